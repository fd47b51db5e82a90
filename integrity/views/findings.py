"""Pages: the findings ledger (list with filters, detail with the verifier's decision) and the recoveries
(list with balances, detail with receipts). Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from integrity import selectors
from integrity.forms import DecisionForm, FindingFilterForm, PlanForm, ReceiptForm, RecoveryFilterForm
from integrity.models import Finding, Recovery
from integrity.rules import recovery_schedule
from integrity.services.findings import finding_assign, finding_dismiss, finding_verify
from integrity.services.recoveries import recovery_plan_set, recovery_receipt_add
from integrity.services.screening import verifiers_for


def _require(user, permission: str) -> None:
    if user.is_applicant or not user.has_perm(permission):
        raise PermissionDenied


@login_required
@require_GET
def finding_list(request):
    _require(request.user, "integrity.view_finding")
    form = FindingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.finding_list_for(user=request.user, filters=filters))
    context["filter_form"] = form
    return render(request, "integrity/finding_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request, ref):
    _require(request.user, "integrity.view_finding")
    try:
        finding = selectors.finding_get_for(user=request.user, ref=ref)
    except NotFoundError:
        raise Http404 from None
    may_decide = finding.status == Finding.Status.OPEN and request.user.has_perm("integrity.verify_finding")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "verify":
                    finding_verify(finding=finding, actor=request.user, reason=data["reason"], amount=data["amount"])
                else:
                    finding_dismiss(finding=finding, actor=request.user, reason=data["reason"])
            except NotFoundError:
                raise Http404 from None
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("integrity:finding_detail", ref=finding.ref)
    recovery = Recovery.objects.filter(finding=finding).first()
    may_assign = finding.status == Finding.Status.OPEN and request.user.has_perm("integrity.assign_finding")
    return render(request, "integrity/finding_detail.html",
                  {"finding": finding, "form": form, "may_decide": may_decide, "recovery": recovery,
                   "may_assign": may_assign, "verifiers": verifiers_for(finding.case) if may_assign else ()},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def finding_assign_view(request, ref):
    _require(request.user, "integrity.assign_finding")
    try:
        finding = selectors.finding_get_for(user=request.user, ref=ref)
        verifier = verifiers_for(finding.case).filter(pk=request.POST.get("verifier") or 0).first()
        if verifier is None:
            messages.error(request, _("Choose a verifier."))
        else:
            finding_assign(finding=finding, verifier=verifier, actor=request.user)
            messages.success(request, _("The finding is assigned."))
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("integrity:finding_detail", ref=ref)


@login_required
@require_GET
def recovery_list(request):
    _require(request.user, "integrity.view_recovery")
    form = RecoveryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    recoveries = selectors.recovery_list_for(user=request.user, filters=filters)
    context = paginate(request, recoveries)
    context.update({"filter_form": form, "totals": selectors.recovery_totals(recoveries)})
    return render(request, "integrity/recovery_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_detail(request, ref):
    _require(request.user, "integrity.view_recovery")
    try:
        recovery = selectors.recovery_get_for(user=request.user, ref=ref)
    except NotFoundError:
        raise Http404 from None
    may_record = recovery.status == Recovery.Status.OPEN and request.user.has_perm("integrity.record_recovery")
    form = ReceiptForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                recovery_receipt_add(recovery=recovery, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The receipt is recorded."))
                return redirect("integrity:recovery_detail", ref=recovery.ref)
    plan_form = PlanForm(initial={"method": recovery.method, "instalments": recovery.instalments,
                                  "first_due": recovery.first_due})
    schedule = recovery_schedule(amount=recovery.amount, instalments=recovery.instalments, first_due=recovery.first_due)
    return render(request, "integrity/recovery_detail.html",
                  {"recovery": recovery, "form": form, "may_record": may_record, "schedule": schedule,
                   "plan_form": plan_form,
                   "receipts": recovery.receipts.select_related("offset_case", "recorded_by")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def recovery_plan(request, ref):
    _require(request.user, "integrity.record_recovery")
    try:
        recovery = selectors.recovery_get_for(user=request.user, ref=ref)
    except NotFoundError:
        raise Http404 from None
    form = PlanForm(request.POST)
    version = request.POST.get("version", "")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            recovery_plan_set(recovery=recovery, actor=request.user, version=int(version) if version.isdigit() else 0,
                              **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The plan is saved."))
    return redirect("integrity:recovery_detail", ref=recovery.ref)


urlpatterns = [
    path("", finding_list, name="finding_list"),
    path("findings/<str:ref>/", finding_detail, name="finding_detail"),
    path("findings/<str:ref>/assign/", finding_assign_view, name="finding_assign"),
    path("recoveries/", recovery_list, name="recovery_list"),
    path("recoveries/<str:ref>/plan/", recovery_plan, name="recovery_plan"),
    path("recoveries/<str:ref>/", recovery_detail, name="recovery_detail"),
]
