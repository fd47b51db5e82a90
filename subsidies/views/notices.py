"""Pages of 公示: the public notices and their objection form (no sign-in), publishing a notice, and the
reviewers' list of objections to resolve. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.audit.middleware import client_ip
from guangyuan_jobs.casework.selectors import case_applicant_masked, case_list_for, kind_label
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from subsidies import selectors_notices as selectors
from subsidies.forms_notices import (
    NoticeFilterForm,
    NoticeKindForm,
    NoticePublishForm,
    ObjectionFilterForm,
    ObjectionForm,
    ObjectionResolveForm,
)
from subsidies.models import Objection
from subsidies.services import notices as services


def _notice_or_404(ref):
    try:
        return selectors.notice_public_get(ref=ref)
    except NotFoundError:
        raise Http404 from None


# --- public, no sign-in ---------------------------------------------------------------------------------------


@require_GET
def notice_public_list(request):
    form = NoticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notices = selectors.notice_public_list(kind=filters.get("kind") or "", current=bool(filters.get("current")),
                                           q=filters.get("q") or "")
    context = paginate(request, notices.annotate(entry_count=Count("entries"), total=Sum("entries__amount")))
    context.update({"filter_form": form, "rows": [
        {"notice": n, "kind_label": kind_label(n.kind), "open": selectors.notice_is_open(n)}
        for n in context["page_obj"]]})
    return render(request, "subsidies/notices/public_list.html", context)


def _public_detail(request, notice, *, form=None, status=200):
    q = request.GET.get("q", "")[:64]
    entries = selectors.notice_entries(notice=notice, q=q)
    context = paginate(request, entries, per_page=50)
    is_open = selectors.notice_is_open(notice)
    if form is None and is_open:
        initial = {"entry": request.GET.get("entry")} if request.GET.get("entry", "").isdigit() else None
        form = ObjectionForm(initial=initial, entries=selectors.notice_entries(notice=notice))
    context.update({"notice": notice, "kind_label": kind_label(notice.kind), "open": is_open, "form": form, "q": q,
                    "totals": entries.aggregate(count=Count("id"), amount=Sum("amount"))})
    return render(request, "subsidies/notices/public_detail.html", context, status=status)


@require_GET
def notice_public_detail(request, ref):
    return _public_detail(request, _notice_or_404(ref))


@require_POST
def notice_objection(request, ref):
    notice = _notice_or_404(ref)
    form = ObjectionForm(request.POST, entries=selectors.notice_entries(notice=notice))
    if not form.is_valid():
        return _public_detail(request, notice, form=form, status=400)
    data = form.cleaned_data
    try:
        services.objection_lodge(notice=notice, entry_id=data["entry"], name=data["name"], contact=data["contact"],
                                 text=data["text"], source_ip=client_ip(request))
    except ApplicationError as exc:
        for field, message in exc.extra.items():
            if field in form.fields:
                form.add_error(field, message)
        form.add_error(None, str(exc.message))
        return _public_detail(request, notice, form=form, status=exc.http_status)
    messages.success(request, _("Your objection was recorded. The Center will look into it and may contact you."))
    return redirect("subsidies:notice_public_detail", ref=notice.ref)


# --- staff ----------------------------------------------------------------------------------------------------


def _require_publisher(user):
    if user.is_applicant or not user.has_perm("casework.publicize_case"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def notice_publish(request):
    """Pick approved cases of one kind in one's area and publish them as a notice."""
    user = request.user
    _require_publisher(user)
    kind_form = NoticeKindForm(request.GET or request.POST or None)
    kind = kind_form.cleaned_data["kind"] if kind_form.is_valid() else ""
    cases = (case_list_for(user=user, filters={"kind": kind, "status": "approved"}) if kind else
             case_list_for(user=user).none())
    context = paginate(request, cases.order_by("id"), per_page=services.NOTICE_MAX_CASES)
    refs = [c.ref for c in context["page_obj"]]
    form = NoticePublishForm(request.POST or None, refs=refs, initial={"kind": kind, "refs": refs})
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(kind=form.cleaned_data["kind"], actor=user,
                                             case_refs=form.cleaned_data["refs"], title=form.cleaned_data["title"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The public notice %(ref)s was published with %(n)d cases.")
                             % {"ref": notice.ref, "n": notice.entries.count()})
            return redirect("subsidies:notice_public_detail", ref=notice.ref)
    context.update({"kind_form": kind_form, "form": form, "kind": kind, "rows": [
        {"case": c, "applicant": case_applicant_masked(c)} for c in context["page_obj"]]})
    return render(request, "subsidies/notices/publish.html", context, status=400 if request.method == "POST" else 200)


def _require_resolver(user):
    if user.is_applicant or not user.has_perm("subsidies.change_objection"):
        raise PermissionDenied


@login_required
@require_GET
def objection_list(request):
    _require_resolver(request.user)
    form = ObjectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status", "") if request.GET else Objection.Status.OPEN
    objections = selectors.objection_list_for(user=request.user, status=status, q=filters.get("q") or "")
    context = paginate(request, objections)
    context.update({"filter_form": form, "status": status, "resolve_form": ObjectionResolveForm()})
    return render(request, "subsidies/notices/objection_list.html", context)


@login_required
@require_POST
def objection_resolve(request, pk):
    _require_resolver(request.user)
    try:
        objection = selectors.objection_get_for(user=request.user, objection_id=pk)
    except NotFoundError:
        raise Http404 from None
    form = ObjectionResolveForm(request.POST)
    back = reverse("subsidies:objection_list")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    upheld = form.cleaned_data["outcome"] == Objection.Status.UPHELD
    try:
        objection = services.objection_resolve(objection=objection, upheld=upheld,
                                               resolution=form.cleaned_data["resolution"], actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    objection.case.refresh_from_db()
    if not upheld:
        messages.success(request, _("The objection was dismissed."))
    elif objection.case.status == "refused":
        messages.success(request, _("The objection was upheld and the case %(ref)s refused.")
                         % {"ref": objection.case.ref})
    else:
        messages.warning(request, _("The objection was upheld. Payment of %(ref)s stays held; an approver must "
                                    "now refuse the case.") % {"ref": objection.case.ref})
    return redirect(back)


@login_required
@require_POST
def objection_refuse_case(request, pk):
    """An approver refuses the case of an upheld objection, from the case page."""
    objection = Objection.objects.select_related("case").filter(pk=pk).first()
    if objection is None:
        raise Http404
    try:
        case = services.objection_refuse_case(objection=objection, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("casework:case_detail", ref=objection.case.ref)
    messages.success(request, _("The case %(ref)s was refused for the upheld objection.") % {"ref": case.ref})
    return redirect("casework:case_detail", ref=case.ref)


urlpatterns = [
    path("public/notices/", notice_public_list, name="notice_public_list"),
    path("public/notices/<str:ref>/", notice_public_detail, name="notice_public_detail"),
    path("public/notices/<str:ref>/objections/", notice_objection, name="notice_objection"),
    path("notices/publish/", notice_publish, name="notice_publish"),
    path("objections/", objection_list, name="objection_list"),
    path("objections/<int:pk>/resolve/", objection_resolve, name="objection_resolve"),
    path("objections/<int:pk>/refuse-case/", objection_refuse_case, name="objection_refuse_case"),
]
