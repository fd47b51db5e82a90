"""Pages of monitoring: the managers' dashboard (with its download), the monitored firms and their monthly
returns, late returns and reminders, warnings, and the records behind the dashboard's case figures. Thin:
selectors read, services write."""

import datetime
import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.rules import PENDING_DECISION_STATUSES
from guangyuan_jobs.casework.selectors import case_applicant_masked, case_list_for, kind_label
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create
from guangyuan_jobs.reports.rules import cell_text
from monitoring import rules, selectors, services
from monitoring.forms import (
    CaseRecordsFilterForm,
    DashboardForm,
    EnrolForm,
    EnterpriseFilterForm,
    LateFilterForm,
    ReturnConfirmForm,
    ReturnFilterForm,
    ReturnForm,
    WarningActionForm,
    WarningFilterForm,
    parse_month,
)
from monitoring.models import MonthlyReturn, Warning, WarningRule
from monitoring.summaries import View, figures_for
from monitoring.templatetags.monitoring_figures import figure as figure_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTION_LABELS = {
    "subsidies": gettext_lazy("Subsidies"), "training": gettext_lazy("Training"),
    "entrepreneurship": gettext_lazy("Entrepreneurship"), "priority_groups": gettext_lazy("Priority groups"),
    "monitoring": gettext_lazy("Unemployment monitoring"), "casework": gettext_lazy("Case handling"),
}
UNIT_LABELS = {
    "people": gettext_lazy("people"), "firms": gettext_lazy("firms"), "yuan": gettext_lazy("yuan"),
    "cases": gettext_lazy("cases"), "posts": gettext_lazy("posts"), "percent": "%",
    "person_times": gettext_lazy("person-times"), "warnings": gettext_lazy("warnings"),
    "loans": gettext_lazy("loans"), "parks": gettext_lazy("parks"), "events": gettext_lazy("events"),
}


def _section_label(code: str) -> str:
    return str(SECTION_LABELS.get(code, code))


def _unit_label(code: str) -> str:
    return str(UNIT_LABELS.get(code, code))


def _require(user, permission: str) -> None:
    if user.is_applicant or not user.has_perm(permission):
        raise PermissionDenied


# ---------------------------------------------------------------- dashboard


def _dashboard_view(request) -> tuple[DashboardForm, View | None]:
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, user=request.user)
    if not form.areas:
        raise PermissionDenied  # a staff member with no area sees no figures
    if not request.GET:
        form = DashboardForm({"year": today.year, "region": form.areas[0][0]}, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, View(year=data["year"], month=data.get("month"), area=data.get("region") or "")


def _sections(rows: list[dict]) -> list[dict]:
    sections: dict[str, list] = {}
    for row in rows:
        sections.setdefault(row["figure"].indicator.section, []).append(row)
    order = list(SECTION_LABELS)  # the report's order: money first, monitoring and time limits last
    return [{"code": code, "label": _section_label(code), "rows": sections[code]}
            for code in sorted(sections, key=lambda code: (order.index(code) if code in order else len(order), code))]


def _chart(section: dict) -> dict:
    """Counts side by side, this year against last; money and rates have their own scales and stay out."""
    counted = [row["figure"] for row in section["rows"] if row["figure"].indicator.unit not in ("yuan", "percent")]
    return {"id": f"chart-{section['code']}", "title": section["label"],
            "labels": [str(f.indicator.label) for f in counted], "current": [float(f.value) for f in counted],
            "previous": [float(f.previous) for f in counted]}


@login_required
@require_GET
def dashboard(request):
    _require(request.user, "monitoring.view_dashboard")
    form, view = _dashboard_view(request)
    if view is None:
        return render(request, "monitoring/dashboard.html", {"form": form}, status=400)
    figures = figures_for(view)
    query = view.query()
    if request.GET.get("format") == "xlsx":
        return _dashboard_xlsx(view, query, figures, dict(form.areas))
    rows = [{"figure": f, "unit": _unit_label(f.indicator.unit), "value": figure_text(f.value, f.indicator.unit),
             "previous": figure_text(f.previous, f.indicator.unit),
             "report_2020": figure_text(f.indicator.report_2020, f.indicator.unit),
             "link": f.indicator.drilldown(query) if f.indicator.drilldown else ""} for f in figures]
    sections = _sections(rows)
    charts = [chart for chart in map(_chart, sections) if chart["labels"]]
    open_warnings = selectors.warning_list_for(user=request.user, filters={
        "status": "unclosed", "region": view.area})[:10]
    trend = selectors.monthly_trend(year=view.year, area=view.area)
    computed = [f.computed_at for f in figures if f.computed_at]
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    return render(request, "monitoring/dashboard.html", {
        "form": form, "view": view, "query": query, "sections": sections,
        "area_label": dict(form.areas).get(view.area, view.area), "open_warnings": open_warnings,
        "charts": {"sections": charts, "trend": trend, "current_label": str(view.year),
                   "previous_label": str(view.year - 1),
                   "names": {"headcount": _("Headcount"), "reductions": _("Reductions"), "hires": _("Hires")}},
        "computed_at": min(computed) if computed else None, "export_url": f"?{export_query.urlencode()}",
        "show_report_2020": view.year == 2020 and not view.month and not view.area,
        # Translated once here rather than in each of some fifty cards.
        "records_title": _("The records behind this figure"), "last_year_label": _("Last year"),
        "report_2020_label": _("2020 report"),
    })


def _dashboard_xlsx(view: View, query, figures, areas: dict) -> FileResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Dashboard"))
    period = f"{query.start:%Y-%m-%d} – {query.end:%Y-%m-%d}"
    sheet.append([cell_text(_("Managers' dashboard")), cell_text(areas.get(view.area, view.area)), period])
    sheet.append([])
    sheet.append([_("Section"), _("Indicator"), _("Unit"), str(view.year), str(view.year - 1), _("Change (%)")])
    for figure in figures:
        sheet.append([cell_text(_section_label(figure.indicator.section)), cell_text(str(figure.indicator.label)),
                      cell_text(_unit_label(figure.indicator.unit)), figure.value, figure.previous,
                      figure.change])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    name = f"dashboard-{view.year}{f'-{view.month:02d}' if view.month else ''}-{view.area or 'city'}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


# ---------------------------------------------------------------- monitored enterprises


@login_required
@require_GET
def enterprise_list(request):
    if not (request.user.has_perm("monitoring.view_monitoredenterprise") and not request.user.is_applicant):
        raise PermissionDenied
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.monitored_list_for(user=request.user, filters=filters))
    context.update({"filter_form": form, "may_enrol": request.user.has_perm("monitoring.manage_monitoring")})
    return render(request, "monitoring/enterprise_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request):
    _require(request.user, "monitoring.manage_monitoring")
    form = EnrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = Region.objects.get(pk=data["region"])
            enterprise = enterprise_get_or_create(credit_code=data["credit_code"], name=data["name"],
                                                  actor=request.user, region=region)
            monitored = services.monitored_enterprise_enrol(
                enterprise=enterprise, region=region, industry=data["industry"], ownership=data["ownership"],
                size_class=data["size_class"], baseline_date=data["baseline_date"],
                baseline_headcount=data["baseline_headcount"], baseline_dispatched=data["baseline_dispatched"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The enterprise is now monitored."))
            return redirect("monitoring:enterprise_detail", credit_code=monitored.enterprise.credit_code)
    return render(request, "monitoring/enterprise_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _monitored_or_404(user, credit_code):
    try:
        return selectors.monitored_get_for(user=user, credit_code=credit_code)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def enterprise_detail(request, credit_code):
    if request.user.is_applicant:
        raise Http404
    _require(request.user, "monitoring.view_monitoredenterprise")
    monitored = _monitored_or_404(request.user, credit_code)
    returns = selectors.return_list_for(user=request.user, filters={"monitored": monitored})
    context = paginate(request, returns)
    context.update({
        "monitored": monitored,
        "warnings": selectors.warning_list_for(user=request.user).filter(monitored=monitored)[:20],
        "may_file": services.may_file_for(user=request.user, monitored=monitored),
    })
    return render(request, "monitoring/enterprise_detail.html", context)


# ---------------------------------------------------------------- monthly returns


@login_required
@require_http_methods(["GET", "POST"])
def return_new(request):
    """The firm files its own return; a clerk files one for a firm of their area (?firm=<credit code>)."""
    user = request.user
    if user.is_applicant:
        monitored = selectors.monitored_of_account(user)
        if monitored is None or not user.has_perm("monitoring.file_return"):
            return render(request, "monitoring/not_monitored.html", status=404)
    else:
        _require(user, "monitoring.manage_monitoring")
        monitored = _monitored_or_404(user, request.GET.get("firm", ""))
    today = timezone.localdate()
    initial = {"period": f"{today:%Y-%m}"}
    form = ReturnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.monthly_return_file(monitored=monitored, period=data["period"], data=data, actor=user)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            if filed.check_status == MonthlyReturn.Check.FLAGGED:
                messages.warning(request, _("The return was filed. Some figures look unusual; the monitoring "
                                            "office may contact you to check them."))
            else:
                messages.success(request, _("The return was filed. Thank you."))
            return redirect("monitoring:return_detail", credit_code=monitored.enterprise.credit_code,
                            month=f"{filed.period:%Y-%m}")
    filed = MonthlyReturn.objects.filter(monitored=monitored).order_by("-period")[:12]
    return render(request, "monitoring/return_new.html", {
        "form": form, "monitored": monitored, "recent": filed,
        "previous": services.previous_headcount(monitored, rules.add_months(today.replace(day=1), 1)),
    }, status=400 if request.method == "POST" else 200)


def _return_or_404(user, credit_code, month) -> MonthlyReturn:
    try:
        period = parse_month(month)
    except ValidationError:
        raise Http404 from None
    found = selectors.return_list_for(user=user).filter(monitored__enterprise__credit_code=credit_code,
                                                        period=period).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def return_detail(request, credit_code, month):
    user = request.user
    if not user.is_applicant and not user.has_perm("monitoring.view_monitoredenterprise"):
        raise PermissionDenied
    filed = _return_or_404(user, credit_code, month)
    may_confirm = (not user.is_applicant and user.has_perm("monitoring.manage_monitoring")
                   and filed.check_status == MonthlyReturn.Check.FLAGGED)
    form = ReturnConfirmForm(request.POST or None) if may_confirm else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.monthly_return_confirm(monthly_return=filed, note=form.cleaned_data["note"], actor=user)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The figures are confirmed."))
            return redirect("monitoring:return_detail", credit_code=credit_code, month=month)
    return render(request, "monitoring/return_detail.html", {"filed": filed, "confirm_form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def return_list(request):
    user = request.user
    if user.is_applicant:
        monitored = selectors.monitored_of_account(user)
        if monitored is None:
            return render(request, "monitoring/not_monitored.html", status=404)
    elif not user.has_perm("monitoring.view_monitoredenterprise"):
        raise PermissionDenied
    form = ReturnFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.return_list_for(user=user, filters=filters))
    context.update({"filter_form": form})
    return render(request, "monitoring/return_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def late_list(request):
    _require(request.user, "monitoring.view_monitoredenterprise")
    today = timezone.localdate()
    form = LateFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period") or rules.add_months(today.replace(day=1), -1)
    if request.method == "POST":
        _require(request.user, "monitoring.manage_monitoring")
        try:
            period = parse_month(request.POST.get("period", ""))
            sent = services.return_reminders_send(period=period, actor=request.user)
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        else:
            messages.success(request, _("%(count)s reminders sent.") % {"count": sent})
        return redirect(f"{reverse('monitoring:late_list')}?period={period:%Y-%m}")
    late = selectors.late_list_for(user=request.user, period=period, region=filters.get("region") or "")
    context = paginate(request, late)
    context.update({"filter_form": form, "period": period,
                    "may_remind": request.user.has_perm("monitoring.manage_monitoring")})
    return render(request, "monitoring/late_list.html", context)


# ---------------------------------------------------------------- warnings


@login_required
@require_GET
def warning_list(request):
    _require(request.user, "monitoring.view_warning")
    form = WarningFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.warning_list_for(user=request.user, filters=filters))
    context.update({"filter_form": form})
    return render(request, "monitoring/warning_list.html", context)


def _warning_or_404(user, ref) -> Warning:
    try:
        return selectors.warning_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def warning_detail(request, ref):
    _require(request.user, "monitoring.view_warning")
    warning = _warning_or_404(request.user, ref)
    return render(request, "monitoring/warning_detail.html", _warning_context(request, warning, WarningActionForm()))


def _warning_context(request, warning, form) -> dict:
    allowed = [action for action, (sources, _to) in services.WARNING_MOVES.items() if warning.status in sources]
    labels = {"raise": pgettext("warning event", "Raised"), "acknowledge": pgettext("warning event", "Acknowledged"),
              "handle": pgettext("warning event", "Handled"), "close": pgettext("warning event", "Closed")}
    events = [{"event": event, "label": labels.get(event.action, event.action)}
              for event in warning.events.select_related("actor")]
    return {"warning": warning, "events": events, "form": form,
            "actions": allowed if request.user.has_perm("monitoring.handle_warning") else [],
            "action_labels": dict(WarningActionForm.base_fields["action"].choices)}


@login_required
@require_POST
def warning_transition(request, ref):
    _require(request.user, "monitoring.view_warning")
    warning = _warning_or_404(request.user, ref)
    form = WarningActionForm(request.POST)
    if form.is_valid():
        try:
            services.warning_transition(warning=warning, action=form.cleaned_data["action"],
                                        version=form.cleaned_data["version"], note=form.cleaned_data["note"],
                                        actor=request.user)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.http_status
        else:
            messages.success(request, _("The warning was updated."))
            return redirect("monitoring:warning_detail", ref=ref)
    else:
        status = 400
    return render(request, "monitoring/warning_detail.html", _warning_context(request, warning, form), status=status)


@login_required
@require_GET
def rule_list(request):
    _require(request.user, "monitoring.view_warning")
    return render(request, "monitoring/rule_list.html", {"rules": WarningRule.objects.all()})


# ---------------------------------------------------------------- records behind the case figures


@login_required
@require_GET
def case_records(request):
    """The cases behind a dashboard figure: paid in the period, or past their time limit, in the area."""
    _require(request.user, "monitoring.view_dashboard")
    form = CaseRecordsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list_for(user=request.user, filters={"region": filters.get("region") or ""})
    kinds = [k for k in (filters.get("kind") or "").split(",") if k]
    if kinds:
        cases = cases.filter(kind__in=kinds)
    zone = timezone.get_default_timezone()
    if filters.get("overdue"):
        cases = cases.filter(status__in=PENDING_DECISION_STATUSES)
        if filters.get("start"):
            cases = cases.filter(due_date__gte=filters["start"])
        if filters.get("end"):
            cases = cases.filter(due_date__lte=filters["end"])
    elif filters.get("status") == "paid":
        # Paid money in the period, as the figures count it: a monthly subsidy by the months paid in it, with
        # what they came to; any other case by its payment.
        from subsidies.selectors_payments import money_paid

        money = money_paid(first=filters.get("start"), last=filters.get("end"))
        cases = cases.filter(money.q).annotate(paid_in_period=Sum(money.amount))
    else:
        if filters.get("start"):
            cases = cases.filter(paid_at__gte=datetime.datetime.combine(filters["start"], datetime.time.min,
                                                                        tzinfo=zone))
        if filters.get("end"):
            cases = cases.filter(paid_at__lt=datetime.datetime.combine(
                filters["end"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone))
    context = paginate(request, cases.select_related("payment"))
    context["rows"] = [{"case": case, "applicant": case_applicant_masked(case), "kind_label": kind_label(case.kind),
                        "amount": _amount_paid(case)} for case in context["page_obj"]]
    context["filter_form"] = form
    return render(request, "monitoring/case_records.html", context)


def _amount_paid(case: Case):
    """What the case was paid in the period listed, else its payment order's amount."""
    paid = getattr(case, "paid_in_period", None)
    if paid is not None:
        return paid.quantize(Decimal("0.01"))  # a sum SQLite leaves without its cents
    try:
        return case.payment.amount
    except Case.payment.RelatedObjectDoesNotExist:
        return None
