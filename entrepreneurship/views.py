"""Browser pages: the loan application, the loan register and a loan's page with the bank's and the guarantee
fund's actions, and the banks' quarterly interest files with the subsidy claim built from them."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entrepreneurship import rules, selectors
from entrepreneurship.forms import (
    ACTION_FIELDS,
    CityFigureForm,
    LoanApplicationForm,
    LoanFilterForm,
    SubsidyUploadForm,
    WalkInApplicantForm,
)
from entrepreneurship.kinds import KIND_BY_TYPE
from entrepreneurship.models import LoanType, SubsidyUpload
from entrepreneurship.services import figures
from entrepreneurship.services.applications import loan_applicant_find, loan_application_file
from entrepreneurship.services.loans import loan_act
from entrepreneurship.services.subsidy import (
    loan_quarter_subsidy,
    subsidy_claim_create,
    subsidy_upload_confirm,
    subsidy_upload_start,
)
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.models import Region

QUARTERS_SHOWN = 12


@login_required
@require_GET
def loan_list(request):
    user = request.user
    filter_form = LoanFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    loans = selectors.loan_list_for(user=user, filters=filters)
    headline = None
    if not user.is_applicant and user.has_perm("entrepreneurship.view_cityloanfigure"):
        headline = figures.headline(figures.headline_year())
    return render(request, "entrepreneurship/loans/list.html", {
        "filter_form": filter_form, **paginate(request, loans),
        "may_apply": user.is_applicant and user.has_perm("casework.file_case"),
        "may_file_walk_in": _may_file_walk_in(user),
        "applications": selectors.applications_of(user=user).filter(loan_application__loan__isnull=True)[:20],
        "bank": selectors.bank_of(user), "headline": headline,
    })


def _apply_form(request, *, loan_type, walk_in: bool):
    """The application form (and, at the counter, the walk-in applicant's form); on a good POST the case."""
    form = LoanApplicationForm(request.POST or None, loan_type=loan_type)
    applicant_form = WalkInApplicantForm(request.POST or None, loan_type=loan_type) if walk_in else None
    case = None
    if request.method == "POST" and form.is_valid() and (applicant_form is None or applicant_form.is_valid()):
        try:
            extra = {}
            if applicant_form is not None:
                values = applicant_form.cleaned_data
                region = Region.objects.filter(pk=values.get("region")).first() if values.get("region") else None
                extra = {"applicant": loan_applicant_find(
                    loan_type=loan_type, actor=request.user, id_number=values.get("id_number", ""),
                    credit_code=values.get("credit_code", ""), name=values.get("name", ""), region=region),
                    "region": region}
            case = loan_application_file(actor=request.user, loan_type=loan_type, data=form.service_data(),
                                         submit=True, **extra)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in form.fields:
                    form.add_error(field, errors)
                elif applicant_form is not None and field in applicant_form.fields:
                    applicant_form.add_error(field, errors)
                else:
                    form.add_error(None, errors)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
    return form, applicant_form, case


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request):
    user = request.user
    if not (user.is_applicant and user.has_perm("casework.file_case")):
        raise PermissionDenied
    allowed = [rules.ENTERPRISE] if user.enterprise_id else [rules.INDIVIDUAL, rules.PARTNERSHIP]
    loan_type = request.GET.get("type") or request.POST.get("loan_type") or allowed[0]
    if loan_type not in allowed:
        loan_type = allowed[0]
    form, _applicant, case = _apply_form(request, loan_type=loan_type, walk_in=False)
    if case is not None:
        messages.success(request, _("Your loan application %(ref)s is submitted.") % {"ref": case.ref})
        return redirect("casework:case_detail", case.ref)
    return render(request, "entrepreneurship/loans/apply.html", {
        "form": form, "loan_type": loan_type,
        "types": [(code, label) for code, label in LoanType.choices if code in allowed]})


def _may_file_walk_in(user) -> bool:
    return not user.is_applicant and user.has_perm("casework.file_case_for_other")


@login_required
@require_http_methods(["GET", "POST"])
def application_walk_in(request):
    """The counter: an intake clerk files a loan application for a borrower who came in person."""
    if not _may_file_walk_in(request.user):
        raise PermissionDenied
    loan_type = request.GET.get("type") or request.POST.get("loan_type") or rules.INDIVIDUAL
    if loan_type not in KIND_BY_TYPE:
        loan_type = rules.INDIVIDUAL
    form, applicant_form, case = _apply_form(request, loan_type=loan_type, walk_in=True)
    if case is not None:
        messages.success(request, _("The loan application %(ref)s is filed and submitted for %(name)s.")
                         % {"ref": case.ref, "name": (case.applicant_person or case.applicant_enterprise).name})
        return redirect("casework:case_detail", case.ref)
    return render(request, "entrepreneurship/loans/apply.html", {
        "form": form, "applicant_form": applicant_form, "loan_type": loan_type, "walk_in": True,
        "types": list(LoanType.choices)})


def _quarters(loan, today: datetime.date) -> list[dict]:
    """The loan's subsidy for each ended quarter from its disbursement, newest first."""
    if not loan.disbursed_on:
        return []
    rows = []
    year, quarter = loan.disbursed_on.year, (loan.disbursed_on.month - 1) // 3 + 1
    while len(rows) < 40:
        start, end = rules.quarter_span(year, quarter)
        if end > today or start >= loan.subsidy_end:
            break
        result = loan_quarter_subsidy(loan, year=year, quarter=quarter)
        rows.append({"year": year, "quarter": quarter, "amount": result.amount, "days": result.days,
                     "explanation": result.explanation(_contract(loan))})
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return list(reversed(rows))[:QUARTERS_SHOWN]


def _contract(loan):
    from entrepreneurship.services.subsidy import subsidy_contract

    return subsidy_contract(loan)


def _loan_context(request, loan, *, error=None, failed_action="", field_errors=None):
    roles = selectors.loan_roles_for(user=request.user, loan=loan)
    actions = [{"action": a, "fields": ACTION_FIELDS.get(a.code, ())}
               for a in rules.loan_actions_open(status=loan.status, roles=roles)]
    return {
        "loan": loan, "application": loan.application, "events": loan.events.select_related("actor"),
        "repayments": loan.repayments.all(), "overdue_periods": loan.overdue_periods.all(),
        "recoveries": loan.recoveries.all(), "actions": actions, "quarters": _quarters(loan, timezone.localdate()),
        "error": error, "failed_action": failed_action, "field_errors": field_errors or {},
        "posted": request.POST if request.method == "POST" else {},
        "group_label": rules.GROUP_LABELS.get(loan.group_code, ""),
        "rates": _rates_shown(loan),
    }


def _rates_shown(loan) -> dict:
    """Rates without trailing zeros (3.5 %, not 3.5000 %)."""
    names = ("annual_rate", "lpr_on_contract", "borrower_rate", "subsidy_rate")
    return {name: f"{getattr(loan, name).normalize():f}" for name in names if getattr(loan, name) is not None}


def _loan_or_404(user, ref):
    try:
        return selectors.loan_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def loan_detail(request, ref):
    loan = _loan_or_404(request.user, ref)
    return render(request, "entrepreneurship/loans/detail.html", _loan_context(request, loan))


@login_required
@require_POST
def loan_action(request, ref):
    loan = _loan_or_404(request.user, ref)
    action = request.POST.get("action", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    data = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "action", "version", "comment")}
    try:
        loan_act(loan=loan, action=action, actor=request.user, version=version,
                 comment=request.POST.get("comment", ""), data=data)
    except ValidationError as exc:
        context = _loan_context(request, loan, failed_action=action, field_errors=exc.message_dict,
                                error=_("Check the marked fields."))
        return render(request, "entrepreneurship/loans/detail.html", context, status=400)
    except ApplicationError as exc:
        loan.refresh_from_db()
        return render(request, "entrepreneurship/loans/detail.html",
                      _loan_context(request, loan, error=str(exc.message), failed_action=action),
                      status=exc.http_status)
    messages.success(request, _("Done: %(action)s.") % {"action": rules.LOAN_ACTIONS[action].label})
    return redirect("entrepreneurship:loan_detail", ref)


# --- the quarterly interest files ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload_list(request):
    user = request.user
    bank = selectors.bank_of(user)
    may_upload = bank is not None and user.has_perm("entrepreneurship.upload_subsidy_file")
    if not (may_upload or user.has_perm("entrepreneurship.view_subsidyupload")):
        raise PermissionDenied
    form = SubsidyUploadForm(request.POST or None, request.FILES or None) if may_upload else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                upload = subsidy_upload_start(file=form.cleaned_data["file"], year=form.cleaned_data["year"],
                                              quarter=form.cleaned_data["quarter"], actor=user)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("entrepreneurship:upload_detail", upload.pk)
    uploads = selectors.upload_list_for(user=user)
    return render(request, "entrepreneurship/subsidy/list.html", {"form": form, "bank": bank,
                                                                 **paginate(request, uploads)})


def _upload_or_404(user, pk):
    try:
        return selectors.upload_get_for(user=user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _upload_context(request, upload, error=None):
    user = request.user
    bank = selectors.bank_of(user)
    running = upload.status in (SubsidyUpload.Status.PENDING, SubsidyUpload.Status.RUNNING)
    percent = int(upload.rows_processed * 100 / upload.rows_total) if upload.rows_total else (0 if running else 100)
    claim = getattr(upload, "claim", None) if upload.status == SubsidyUpload.Status.CONFIRMED else None
    return {
        "upload": upload, "running": running, "percent": percent, "error": error,
        "rows": upload.rows.select_related("loan") if not running else [],
        "may_confirm": (bank is not None and bank.pk == upload.bank_id and upload.status == SubsidyUpload.Status.CHECKED
                        and user.has_perm("entrepreneurship.upload_subsidy_file")),
        "may_claim": (bank is None and upload.status == SubsidyUpload.Status.CONFIRMED and claim is None
                      and user.has_perm("entrepreneurship.claim_subsidy")),
        "claim": claim,
    }


@login_required
@require_GET
def upload_detail(request, pk):
    upload = _upload_or_404(request.user, pk)
    return render(request, "entrepreneurship/subsidy/detail.html", _upload_context(request, upload))


@login_required
@require_GET
def upload_progress(request, pk):
    upload = _upload_or_404(request.user, pk)
    context = _upload_context(request, upload)
    if not context["running"]:
        # The check ended: the page reloads to show the rows.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("entrepreneurship:upload_detail", args=[upload.pk])
        return response
    return render(request, "entrepreneurship/subsidy/_progress.html", context)


@login_required
@require_POST
def upload_confirm(request, pk):
    upload = _upload_or_404(request.user, pk)
    try:
        subsidy_upload_confirm(upload=upload, actor=request.user)
    except ApplicationError as exc:
        return render(request, "entrepreneurship/subsidy/detail.html",
                      _upload_context(request, upload, str(exc.message)), status=exc.http_status)
    messages.success(request, _("The file is confirmed; the Center will build the quarter's claim."))
    return redirect("entrepreneurship:upload_detail", upload.pk)


@login_required
@require_POST
def upload_claim(request, pk):
    upload = _upload_or_404(request.user, pk)
    try:
        case = subsidy_claim_create(upload=upload, actor=request.user)
    except ApplicationError as exc:
        return render(request, "entrepreneurship/subsidy/detail.html",
                      _upload_context(request, upload, str(exc.message)), status=exc.http_status)
    messages.success(request, _("The quarterly claim %(ref)s is filed.") % {"ref": case.ref})
    return redirect("casework:case_detail", case.ref)


# --- collective credit lines --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def credit_line_list(request):
    from entrepreneurship.forms import CreditLineForm
    from entrepreneurship.services.credit_lines import credit_line_create

    user = request.user
    bank = selectors.bank_of(user)
    may_create = bank is not None and user.has_perm("entrepreneurship.add_creditline")
    if not (may_create or user.has_perm("entrepreneurship.view_creditline")):
        raise PermissionDenied
    form = CreditLineForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                credit_line_create(data=form.service_data(), actor=user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The credit line is recorded."))
                return redirect("entrepreneurship:credit_line_list")
    lines = selectors.credit_line_list_for(user=user)
    return render(request, "entrepreneurship/credit_lines/list.html", {"form": form, **paginate(request, lines)})


@login_required
@require_GET
def credit_line_detail(request, code):
    try:
        line = selectors.credit_line_get_for(user=request.user, code=code)
    except NotFoundError:
        raise Http404 from None
    return render(request, "entrepreneurship/credit_lines/detail.html", {
        "line": line, "loans": selectors.credit_line_loans_for(user=request.user, line=line)})


# --- the report's headline: our loans of a year ranked among the province's cities ---------------------------


@login_required
@require_http_methods(["GET", "POST"])
def city_figures(request):
    user = request.user
    if user.is_applicant or not user.has_perm("entrepreneurship.view_cityloanfigure"):
        raise PermissionDenied
    may_enter = user.has_perm(figures.FIGURE_PERMISSION)
    form = CityFigureForm(request.POST or None) if may_enter else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                figure = figures.city_figure_record(data=form.service_data(), actor=user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The figures of %(city)s for %(year)d are recorded.")
                                 % {"city": figure.city, "year": figure.year})
                return redirect(f"{reverse('entrepreneurship:city_figures')}?year={figure.year}")
    try:
        year = int(request.GET.get("year") or figures.headline_year())
    except ValueError:
        year = figures.headline_year()
    year = min(max(year, figures.EARLIEST_YEAR), timezone.localdate().year)
    return render(request, "entrepreneurship/figures/list.html", {
        "form": form, "headline": figures.headline(year), "year": year,
        "years": range(timezone.localdate().year, figures.EARLIEST_YEAR - 1, -1)})
