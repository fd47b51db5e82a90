"""Browser pages: the inbox (or an applicant's claims), the case page, batch jobs. Thin: selectors read,
services write, a refused action is shown with its reason and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guangyuan_jobs.casework import selectors, services
from guangyuan_jobs.casework.forms import AttachmentForm, BatchStartForm, CaseFilterForm, TransitionForm
from guangyuan_jobs.casework.models import BatchItem, BatchJob, CaseStatus
from guangyuan_jobs.casework.rules import ACTIONS, is_overdue, material_upload_refusal
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, NotFoundError
from guangyuan_jobs.core.pagination import paginate


def _case_or_404(user, ref):
    try:
        return selectors.case_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def inbox(request):
    """Staff: the inbox of their area, with filters and batch actions. Applicants: their own claims."""
    user = request.user
    form = CaseFilterForm(request.GET or None, user=user)
    cases = selectors.case_list_for(user=user, filters=form.filters())
    context = paginate(request, cases)
    today = timezone.localdate()
    context["rows"] = [
        {"case": case, "applicant": selectors.case_applicant_masked(case),
         "kind_label": selectors.kind_label(case.kind),
         "overdue": is_overdue(status=case.status, due_date=case.due_date, today=today)}
        for case in context["page_obj"]
    ]
    batch_form = None
    if not user.is_applicant and user.has_perm("casework.batch_case"):
        batch_form = BatchStartForm(user=user)
    context.update({
        "filter_form": form, "batch_form": batch_form if batch_form and batch_form.fields["action"].choices else None,
        "may_view": user.is_applicant or user.has_perm("casework.view_case"),
        "filter_items": [(k, v) for k, v in request.GET.items() if k != "page"],
    })
    template = "casework/my_claims.html" if user.is_applicant else "casework/inbox.html"
    return render(request, template, context)


def _materials_for_upload(case, kind) -> list[tuple[str, str]]:
    open_missing = [(m.material_code, m.label) for m in case.missing_materials.filter(supplied_at__isnull=True)]
    known = [(m.code, m.label) for m in kind.materials] if kind else []
    seen = {code for code, _label in open_missing}
    return open_missing + [(code, label) for code, label in known if code not in seen]


def _may_upload(user, case) -> bool:
    view = selectors.actor_view(user=user, case=case, in_scope=True)  # the page is shown only in scope
    return material_upload_refusal(actor=view, status=case.status) is None


def _detail_context(request, case, *, transition_form=None, upload_form=None, error=None):
    user = request.user
    kind = selectors.kind_for(case)
    attachments = list(selectors.case_attachments(case))
    by_material: dict[str, list] = {}
    for attachment in attachments:
        by_material.setdefault(attachment.material_code, []).append(attachment)
    missing = list(selectors.case_missing_materials(case))
    materials = [{"code": m.code, "label": m.label, "required": m.required,
                  "attachments": by_material.pop(m.code, [])} for m in (kind.materials if kind else ())]
    # Materials asked for at acceptance beyond the kind's list ("other"), with their files.
    labels = {m.material_code: m.label for m in missing}
    materials += [{"code": code, "label": labels.get(code, code), "required": False, "attachments": files}
                  for code, files in by_material.items()]
    actions = selectors.case_actions_for(user=user, case=case)
    # Each action with the kind's own page for it, if any (a link there instead of the plain button).
    action_buttons = [(a, kind.action_url(case=case, action=a.code) if kind and kind.action_url else "")
                      for a in actions]
    upload_choices = _materials_for_upload(case, kind)
    may_upload = _may_upload(user, case) and bool(upload_choices)
    return {
        "case": case,
        "kind": kind,
        "kind_label": selectors.kind_label(case.kind),
        "applicant": selectors.case_applicant_masked(case),
        "overdue": is_overdue(status=case.status, due_date=case.due_date, today=timezone.localdate()),
        "timeline": selectors.case_timeline(case),
        "missing": missing,
        "open_missing": [m for m in missing if m.supplied_at is None],
        "materials": materials,
        "attachments": attachments,
        "actions": actions,
        "action_buttons": action_buttons,
        "needs_reason": any(a.reason_required for a in actions),
        "accept_incomplete": any(a.code == "accept_incomplete" for a in actions),
        "transition_form": transition_form or TransitionForm(kind=kind, initial={"version": case.version}),
        "upload_form": (upload_form or AttachmentForm(materials=upload_choices)) if may_upload else None,
        "amount": (case.policy_snapshot or {}).get("amount"),
        "eligibility_issues": (case.details or {}).get("eligibility_issues", []),
        "payment": getattr(case, "payment", None),  # None until approval made the payment order
        "error": error,
    }


@login_required
@require_GET
def case_detail(request, ref):
    case = _case_or_404(request.user, ref)
    return render(request, "casework/case_detail.html", _detail_context(request, case))


def _render_error(request, case, exc: ApplicationError, **forms):
    case.refresh_from_db()
    context = _detail_context(request, case, error={"message": str(exc.message), "code": exc.code,
                                                    "stale": isinstance(exc, ConflictError)}, **forms)
    return render(request, "casework/case_detail.html", context, status=exc.http_status)


@login_required
@require_POST
def case_transition(request, ref):
    case = _case_or_404(request.user, ref)
    form = TransitionForm(request.POST, kind=selectors.kind_for(case))
    if not form.is_valid():
        context = _detail_context(request, case, transition_form=form,
                                  error={"message": _("Check the form: some fields are not valid."), "stale": False})
        return render(request, "casework/case_detail.html", context, status=400)
    action = form.cleaned_data["action"]
    data = {"missing_materials": form.missing_materials()} if action == "accept_incomplete" else None
    try:
        case = services.case_transition(case=case, action=action, actor=request.user,
                                        version=form.cleaned_data["version"], comment=form.cleaned_data["comment"],
                                        data=data)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        return _render_error(request, case, exc, transition_form=form)
    messages.success(request, _("Done: “%(action)s”. The case is now “%(status)s”.")
                     % {"action": ACTIONS[action].label, "status": CaseStatus(case.status).label})
    return redirect("casework:case_detail", ref=case.ref)


@login_required
@require_POST
def attachment_upload(request, ref):
    case = _case_or_404(request.user, ref)
    form = AttachmentForm(request.POST, request.FILES,
                          materials=_materials_for_upload(case, selectors.kind_for(case)))
    if not form.is_valid():
        context = _detail_context(request, case, upload_form=form,
                                  error={"message": _("Choose the material and a file."), "stale": False})
        return render(request, "casework/case_detail.html", context, status=400)
    code = form.cleaned_data["material_code"]
    try:
        if case.missing_materials.filter(material_code=code, supplied_at__isnull=True).exists():
            services.material_supplement(case=case, material_code=code, file=form.cleaned_data["file"],
                                         actor=request.user)
        else:
            services.attachment_add(case=case, material_code=code, uploaded_file=form.cleaned_data["file"],
                                    actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        return _render_error(request, case, exc, upload_form=form)
    messages.success(request, _("The file was received."))
    return redirect("casework:case_detail", ref=case.ref)


@login_required
@require_GET
def attachment_download(request, ref, pk):
    case = _case_or_404(request.user, ref)
    try:
        attachment = services.attachment_download(case=case, attachment_id=pk, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    # Served as a download, never rendered by the browser as something else.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _require_batch(user):
    if user.is_applicant or not user.has_perm("casework.batch_case"):
        raise PermissionDenied


@login_required
@require_GET
def batch_list(request):
    _require_batch(request.user)
    jobs = selectors.batch_list_for(user=request.user)
    status = request.GET.get("status", "")
    if status in BatchJob.Status.values:
        jobs = jobs.filter(status=status)
    context = paginate(request, jobs)
    context.update({"statuses": BatchJob.Status.choices, "status": status,
                    "rows": [{"job": job, "progress": selectors.batch_progress(job)} for job in context["page_obj"]]})
    return render(request, "casework/batch_list.html", context)


@login_required
@require_POST
def batch_start(request):
    user = request.user
    _require_batch(user)
    form = BatchStartForm(request.POST, user=user)
    back = reverse("casework:inbox") + ("?" + request.POST["query"] if request.POST.get("query") else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    filters = None
    refs = None
    if form.cleaned_data["all_matching"]:
        filters = CaseFilterForm(request.POST, user=user).filters()
    else:
        refs = form.cleaned_data["refs"]
    try:
        job = services.batch_start(action=form.cleaned_data["action"], actor=user,
                                   comment=form.cleaned_data["comment"], case_refs=refs, filters=filters)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("The batch job was started for %(n)d cases.") % {"n": job.total})
    return redirect("casework:batch_detail", pk=job.pk)


def _job_or_404(user, pk):
    try:
        return selectors.batch_get_for(user=user, job_id=pk)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def batch_detail(request, pk):
    _require_batch(request.user)
    job = _job_or_404(request.user, pk)
    outcome = request.GET.get("outcome", "")
    items = selectors.batch_items_for(job=job, outcome=outcome if outcome in BatchItem.Outcome.values else None)
    context = paginate(request, items, per_page=50)
    context.update({"job": job, "progress": selectors.batch_progress(job), "outcome": outcome,
                    "outcomes": BatchItem.Outcome.choices, "action": ACTIONS[job.action]})
    return render(request, "casework/batch_detail.html", context)


@login_required
@require_GET
def batch_progress(request, pk):
    """The progress bar, polled by htmx every second while the job runs; when it ends, the page reloads once
    to show the results."""
    _require_batch(request.user)
    job = _job_or_404(request.user, pk)
    progress = selectors.batch_progress(job)
    response = render(request, "casework/_batch_progress.html", {"job": job, "progress": progress})
    if progress.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response

