"""Pages: online claims. Choose a kind, fill the form (a draft is kept), upload the materials, submit; a
counter clerk does the same for a walk-in applicant found by ID number. The status timeline, missing
materials and due dates are on casework's case page, which shows this app's panel (the claim's data, why
this amount, the monthly schedule) and links back here while the claim can be changed."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.casework import services as casework_services
from guangyuan_jobs.casework.forms import AttachmentForm
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.selectors import kind_label
from guangyuan_jobs.casework.services.idempotency import idempotent_call, request_fingerprint
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.models import Region
from subsidies import selectors_claims as selectors
from subsidies.forms_claims import (
    CLAIM_FORMS,
    ClaimFilterForm,
    HiringSubsidyForm,
    InstalmentStopForm,
    ReviewerAmountForm,
    WalkInEnterpriseForm,
    WalkInPersonForm,
)
from subsidies.services import claims as services

CSRF_AND_KEY = ("csrfmiddlewaretoken", "idempotency_key", "action")


def _claim_or_404(user, ref):
    try:
        return selectors.claim_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


def _kind_or_404(user, code: str):
    kind = next((k for k in selectors.claim_kinds_for(user) if k.code == code), None)
    if kind is None:
        raise Http404
    return kind


def _fingerprint(request) -> str:
    return request_fingerprint({k: request.POST.getlist(k) for k in request.POST if k not in CSRF_AND_KEY})


def _form_errors(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_GET
def claim_new(request):
    """Choose the kind of claim: an applicant sees the kinds for people or for enterprises, a counter clerk all."""
    kinds = selectors.claim_kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    return render(request, "subsidies/claims/new.html", {"kinds": kinds})


def _walk_in_form(user, kind, data=None):
    if user.is_applicant:
        return None
    return (WalkInPersonForm if kind.applicant_type == "person" else WalkInEnterpriseForm)(data)


def _applicant(user, kind, walk_in) -> dict:
    if walk_in is None:
        return services.claim_applicant_own(kind=kind.code, actor=user)
    data = walk_in.cleaned_data
    region = Region.objects.filter(pk=data.get("applicant_region")).first() if data.get("applicant_region") else None
    applicant = services.claim_applicant_find(
        kind=kind.code, actor=user, id_number=data.get("applicant_id_number", ""),
        credit_code=data.get("applicant_credit_code", ""), name=data["applicant_name"], region=region)
    return {"applicant_person" if kind.applicant_type == "person" else "applicant_enterprise": applicant}


@login_required
@require_http_methods(["GET", "POST"])
def claim_form(request, kind):
    """A new claim of one kind: saved as a draft, or filed and submitted at once. A hidden one-time key makes a
    double click file one claim."""
    user = request.user
    case_kind = _kind_or_404(user, kind)
    form_class = CLAIM_FORMS[case_kind.code]
    if request.method == "GET":
        return render(request, "subsidies/claims/form.html", {
            "kind": case_kind, "form": form_class(), "walk_in_form": _walk_in_form(user, case_kind),
            "idempotency_key": uuid.uuid4().hex})
    form = form_class(request.POST)
    walk_in = _walk_in_form(user, case_kind, request.POST)
    context = {"kind": case_kind, "form": form, "walk_in_form": walk_in,
               "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex}
    if not form.is_valid() or (walk_in is not None and not walk_in.is_valid()):
        context["error"] = _("Check the form: some fields are not valid.")
        return render(request, "subsidies/claims/form.html", context, status=400)
    submit = request.POST.get("action") == "submit"

    def file_claim():
        case = services.claim_file(kind=case_kind.code, actor=user, data=form.cleaned_data, submit=submit,
                                   **_applicant(user, case_kind, walk_in))
        return 201, {"ref": case.ref, "submitted": submit}

    try:
        outcome = idempotent_call(actor=user, scope="subsidies.page.claim_create",
                                           key=context["idempotency_key"], request_hash=_fingerprint(request),
                                           call=file_claim)
    except ValidationError as exc:
        # The claim's own fields were checked above; anything else is about the walk-in applicant.
        claim_fields = set(getattr(exc, "error_dict", {})) & set(form.fields)
        _form_errors(form if walk_in is None or claim_fields else walk_in, exc)
        context["error"] = _("Check the form: some fields are not valid.")
        return render(request, "subsidies/claims/form.html", context, status=400)
    except ApplicationError as exc:
        context["error"] = str(exc.message)
        return render(request, "subsidies/claims/form.html", context, status=exc.http_status)
    ref = outcome.body["ref"]
    if outcome.body["submitted"]:
        messages.success(request, _("The claim %(ref)s was submitted.") % {"ref": ref})
        return redirect("casework:case_detail", ref=ref)
    messages.success(request, _("The draft %(ref)s was saved. Upload the materials, then submit it.") % {"ref": ref})
    return redirect("subsidies:claim_edit", ref=ref)


def _editable(case, user) -> bool:
    return selectors.claim_editable(case=case, user=user)


def _edit_form(case, data=None):
    form_class = CLAIM_FORMS[case.kind]
    options = {"keep_hired_person": True} if issubclass(form_class, HiringSubsidyForm) else {}
    if data is not None:
        return form_class(data, **options)
    initial = selectors.claim_data(case)
    if issubclass(form_class, HiringSubsidyForm):
        initial.pop("hired_id_number", None)
        initial.pop("hired_name", None)
    return form_class(initial=initial, **options)


def _render_edit(request, case, *, form=None, upload_form=None, error=None, status=200):
    kind = get_kind(case.kind)
    overview = selectors.claim_overview(case=case, user=request.user)
    choices = [(m.code, m.label) for m in kind.materials]
    may_upload = selectors.claim_may_upload(case=case, user=request.user)
    return render(request, "subsidies/claims/edit.html", {
        "case": case, "kind": kind, "kind_label": kind_label(case.kind), "overview": overview,
        "form": form or _edit_form(case), "hired_person": getattr(overview.detail, "hired_person", None),
        "upload_form": (upload_form or AttachmentForm(materials=choices)) if may_upload else None,
        "attachments": list(case.attachments.order_by("uploaded_at")), "error": error,
        "idempotency_key": uuid.uuid4().hex}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit(request, ref):
    """A draft (or a claim returned for correction): change it, add materials, submit. Once submitted the
    claim lives on the case page."""
    case = _claim_or_404(request.user, ref)
    if not _editable(case, request.user):
        return redirect("casework:case_detail", ref=case.ref)
    if request.method == "GET":
        return _render_edit(request, case)
    form = _edit_form(case, request.POST)
    if not form.is_valid():
        return _render_edit(request, case, form=form, error=_("Check the form: some fields are not valid."),
                            status=400)
    data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
    try:
        case = services.claim_update_draft(case=case, actor=request.user, data=data)
    except ValidationError as exc:
        _form_errors(form, exc)
        return _render_edit(request, case, form=form, error=_("Check the form: some fields are not valid."),
                            status=400)
    except ApplicationError as exc:
        return _render_edit(request, case, form=form, error=str(exc.message), status=exc.http_status)
    messages.success(request, _("The changes were saved."))
    return redirect("subsidies:claim_edit", ref=case.ref)


@login_required
@require_POST
def claim_submit(request, ref):
    case = _claim_or_404(request.user, ref)
    try:
        case = services.claim_submit(case=case, actor=request.user,
                                     idempotency_key=request.POST.get("idempotency_key") or None,
                                     request_hash=request_fingerprint({"ref": case.ref}))
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        case.refresh_from_db()
        if not _editable(case, request.user):
            messages.error(request, str(exc.message))
            return redirect("casework:case_detail", ref=case.ref)
        return _render_edit(request, case, error=str(exc.message), status=exc.http_status)
    messages.success(request, _("The claim %(ref)s was submitted.") % {"ref": case.ref})
    return redirect("casework:case_detail", ref=case.ref)


@login_required
@require_POST
def claim_upload(request, ref):
    """A material for a draft, stored by casework (type checked by content, server-made name)."""
    case = _claim_or_404(request.user, ref)
    if not _editable(case, request.user):
        return redirect("casework:case_detail", ref=case.ref)  # materials of a submitted claim are added there
    kind = get_kind(case.kind)
    form = AttachmentForm(request.POST, request.FILES, materials=[(m.code, m.label) for m in kind.materials])
    if not form.is_valid():
        return _render_edit(request, case, upload_form=form, error=_("Choose the material and a file."), status=400)
    try:
        casework_services.attachment_add(case=case, material_code=form.cleaned_data["material_code"],
                                         uploaded_file=form.cleaned_data["file"], actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        return _render_edit(request, case, upload_form=form, error=str(exc.message), status=exc.http_status)
    messages.success(request, _("The file was received."))
    return redirect("subsidies:claim_edit", ref=case.ref)


@login_required
@require_GET
def claim_list(request):
    """The user's subsidy claims (a counter clerk's: those of their area), filtered and paged."""
    user = request.user
    form = ClaimFilterForm(request.GET or None, kinds=[(k.code, k.label) for k in selectors.SUBSIDY_KINDS],
                           statuses=CaseStatus.choices)
    context = paginate(request, selectors.claim_list_for(user=user, filters=form.filters()))
    context["rows"] = [{"case": case, "kind_label": kind_label(case.kind), "editable": _editable(case, user)}
                       for case in context["page_obj"]]
    context.update({"filter_form": form, "may_file": bool(selectors.claim_kinds_for(user))})
    return render(request, "subsidies/claims/list.html", context)


@login_required
@require_POST
def claim_amount(request, ref):
    """The reviewer sets a start-up subsidy's amount while no standard is on record."""
    case = _claim_or_404(request.user, ref)
    form = ReviewerAmountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an amount above zero and the reason for it."))
        return redirect("casework:case_detail", ref=case.ref)
    try:
        services.claim_amount_set(case=case, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"],
                                  actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("casework:case_detail", ref=case.ref)
    messages.success(request, _("The amount was set; the review confirms it."))
    return redirect("casework:case_detail", ref=case.ref)


@login_required
@require_POST
def claim_stop(request, ref):
    """Stop an unemployment subsidy's monthly payments: the person was re-employed or started UI benefit."""
    case = _claim_or_404(request.user, ref)
    form = InstalmentStopForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date and the reason."))
        return redirect("casework:case_detail", ref=case.ref)
    try:
        result = services.instalments_stop(case=case, on=form.cleaned_data["stopped_on"],
                                           reason=form.cleaned_data["reason"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("casework:case_detail", ref=case.ref)
    messages.success(request, _("%(n)d monthly payments (%(amount)s yuan) were stopped.")
                     % {"n": result.stopped, "amount": result.amount_stopped})
    if result.paid_after_stop:
        messages.warning(request, _("%(n)d months were already paid after that date: recover them.")
                         % {"n": result.paid_after_stop})
    return redirect("casework:case_detail", ref=case.ref)


urlpatterns = [
    path("claims/", claim_list, name="claim_list"),
    path("claims/new/", claim_new, name="claim_new"),
    path("claims/new/<str:kind>/", claim_form, name="claim_form"),
    path("claims/<str:ref>/edit/", claim_edit, name="claim_edit"),
    path("claims/<str:ref>/submit/", claim_submit, name="claim_submit"),
    path("claims/<str:ref>/materials/", claim_upload, name="claim_upload"),
    path("claims/<str:ref>/amount/", claim_amount, name="claim_amount"),
    path("claims/<str:ref>/stop/", claim_stop, name="claim_stop"),
]
