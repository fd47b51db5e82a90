"""Every write of unemployment monitoring: enrolling a firm, filing and checking a monthly return, chasing
late returns, evaluating the warning rules and moving a warning on. Each is atomic and audited; SMS and the
dashboard refresh go out after commit."""

import datetime
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.masking import mask_phone
from guangyuan_jobs.policy.selectors import policy_value
from guangyuan_jobs.registry.models import Region
from monitoring import rules
from monitoring.models import (
    MonitoredEnterprise,
    MonthlyReturn,
    ReturnReminder,
    Warning,
    WarningEvent,
    WarningRule,
)
from monitoring.selectors import region_in_scope

REDUCTION_FIELDS = ("reductions_closure", "reductions_suspension", "reductions_economic_layoff",
                    "reductions_contract_end", "reductions_resignation", "reductions_other")
RETURN_FIELDS = ("headcount", "hires", *REDUCTION_FIELDS, "reduction_reason", "dispatched", "hidden_unemployed",
                 "note")


# ---------------------------------------------------------------- the sample


@transaction.atomic
def monitored_enterprise_enrol(*, enterprise, region: Region, industry: str, ownership: str, size_class: str,
                               baseline_date: datetime.date, baseline_headcount: int, actor,
                               baseline_dispatched: int = 0, contact_name: str = "",
                               contact_phone: str = "") -> MonitoredEnterprise:
    if not actor.has_perm("monitoring.manage_monitoring"):
        raise ForbiddenError(_("You may not enrol enterprises for monitoring."))
    if not region_in_scope(actor, region.pk):
        raise ForbiddenError(_("The enterprise's district is outside your area."))
    if baseline_headcount <= 0:
        raise ApplicationError(_("The baseline headcount must be at least 1."), code="baseline_headcount")
    if MonitoredEnterprise.objects.filter(enterprise=enterprise).exists():
        raise ConflictError(_("This enterprise is already monitored."), code="already_monitored")
    try:
        with transaction.atomic():
            monitored = MonitoredEnterprise.objects.create(
                enterprise=enterprise, region=region, industry=industry, ownership=ownership, size_class=size_class,
                baseline_date=baseline_date, baseline_headcount=baseline_headcount,
                baseline_dispatched=baseline_dispatched, contact_name=contact_name, contact_phone=contact_phone,
                enrolled_by=actor)
    except IntegrityError:
        raise ConflictError(_("This enterprise is already monitored."), code="already_monitored") from None
    audit_log(actor=actor, event_type="monitoring.enterprise.enrol", obj=monitored,
              details={"credit_code": enterprise.credit_code, "baseline_headcount": baseline_headcount,
                       "industry": industry, "region": region.pk})
    return monitored


# ---------------------------------------------------------------- monthly returns


def may_file_for(*, user, monitored: MonitoredEnterprise) -> bool:
    """The firm's own account, or a monitoring clerk whose area holds the firm."""
    if user.is_applicant:
        return user.has_perm("monitoring.file_return") and user.enterprise_id == monitored.enterprise_id
    return (user.has_perm("monitoring.manage_monitoring")
            and scope_queryset(MonitoredEnterprise.objects.filter(pk=monitored.pk), user=user).exists())


def previous_headcount(monitored: MonitoredEnterprise, before: datetime.date) -> int:
    last = (MonthlyReturn.objects.filter(monitored=monitored, period__lt=before).order_by("-period")
            .values_list("headcount", flat=True).first())
    return monitored.baseline_headcount if last is None else last


def _plausibility(monitored, period, data) -> list[rules.Finding]:
    region = monitored.region_id
    return rules.return_findings(
        rules.ReturnFigures(headcount=data["headcount"], hires=data["hires"], reductions=data["reductions"],
                            hidden_unemployed=data["hidden_unemployed"], dispatched=data["dispatched"],
                            previous_headcount=previous_headcount(monitored, period),
                            baseline_headcount=monitored.baseline_headcount),
        max_change_ratio=policy_value("monitoring.plausibility.max_change_ratio", on=period, region=region),
        balance_tolerance=policy_value("monitoring.plausibility.balance_tolerance", on=period, region=region))


def _clean_return_data(data: dict) -> dict:
    clean = {}
    for name in RETURN_FIELDS:
        value = data.get(name)
        if name in ("reduction_reason", "note"):
            clean[name] = (value or "").strip()
            continue
        try:
            number = int(value or 0)
        except (TypeError, ValueError):
            raise ApplicationError(_("Enter whole numbers."), code="invalid_number") from None
        if number < 0:
            raise ApplicationError(_("Numbers cannot be negative."), code="negative")
        clean[name] = number
    if data.get("headcount") in (None, ""):
        raise ApplicationError(_("Enter the headcount at the end of the month."), code="headcount_required")
    clean["reductions"] = sum(clean[name] for name in REDUCTION_FIELDS)
    if clean["reductions"] and not clean["reduction_reason"]:
        raise ApplicationError(_("Give the main reason for the reductions."), code="reason_required")
    if not clean["reductions"]:
        clean["reduction_reason"] = ""
    return clean


@transaction.atomic
def monthly_return_file(*, monitored: MonitoredEnterprise, period: datetime.date, data: dict,
                        actor) -> MonthlyReturn:
    """File a month's return (once per month; a second one is a conflict), check it for plausibility and
    evaluate the warning rules on it."""
    if not may_file_for(user=actor, monitored=monitored):
        raise ForbiddenError(_("You may not file returns for this enterprise."))
    if not monitored.active:
        raise ApplicationError(_("This enterprise is no longer monitored."), code="not_monitored")
    period = rules.month_start(period)
    today = timezone.localdate()
    if period > rules.month_start(today):
        raise ApplicationError(_("A return cannot be filed for a future month."), code="future_period")
    if period < rules.month_start(monitored.baseline_date):
        raise ApplicationError(_("The month is before the enterprise's baseline date."), code="before_baseline")
    clean = _clean_return_data(data)
    findings = _plausibility(monitored, period, clean)
    due_day = policy_value("monitoring.return.due_day", on=period, region=monitored.region_id)
    try:
        with transaction.atomic():
            filed = MonthlyReturn.objects.create(
                monitored=monitored, period=period, **clean,
                channel=MonthlyReturn.Channel.ENTERPRISE if actor.is_applicant else MonthlyReturn.Channel.CASEWORKER,
                filed_by=actor, filed_late=today > rules.return_due_date(period, due_day=due_day),
                check_status=MonthlyReturn.Check.FLAGGED if findings else MonthlyReturn.Check.PLAUSIBLE,
                check_findings=[{"code": f.code, "message": f.message} for f in findings])
    except IntegrityError:
        raise ConflictError(_("The return for %(month)s has already been filed.") % {
            "month": f"{period:%Y-%m}"}, code="already_filed") from None
    audit_log(actor=actor, event_type="monitoring.return.file", obj=filed,
              details={"credit_code": monitored.enterprise.credit_code, "period": f"{period:%Y-%m}",
                       "headcount": filed.headcount, "reductions": filed.reductions,
                       "flags": [f.code for f in findings]})
    warnings_evaluate(monitored=monitored, period=period)
    from monitoring.tasks import indicator_summaries_refresh_for

    # robust: a lost refresh is caught up by the beat refresh of the current summaries.
    transaction.on_commit(lambda: indicator_summaries_refresh_for.delay(period.isoformat(), monitored.region_id),
                          robust=True)
    return filed


@transaction.atomic
def monthly_return_confirm(*, monthly_return: MonthlyReturn, note: str, actor) -> MonthlyReturn:
    """A clerk checked a flagged return with the firm and confirms its figures (conditional: only once)."""
    if not actor.has_perm("monitoring.manage_monitoring") or not scope_queryset(
            MonitoredEnterprise.objects.filter(pk=monthly_return.monitored_id), user=actor).exists():
        raise ForbiddenError(_("You may not check returns of this enterprise."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Say how the figures were checked."), code="note_required")
    moved = MonthlyReturn.objects.filter(pk=monthly_return.pk, check_status=MonthlyReturn.Check.FLAGGED).update(
        check_status=MonthlyReturn.Check.CONFIRMED, checked_by=actor, checked_at=timezone.now(), check_note=note)
    if not moved:
        raise ConflictError(_("This return is not waiting for a check."), code="not_flagged")
    monthly_return.refresh_from_db()
    audit_log(actor=actor, event_type="monitoring.return.confirm", obj=monthly_return, details={"note": note})
    return monthly_return


# ---------------------------------------------------------------- chasing late returns


def late_enterprises(*, period: datetime.date, today: datetime.date | None = None):
    """Active firms enrolled by the month whose return for it is past due and not filed."""
    today = today or timezone.localdate()
    period = rules.month_start(period)
    firms = (MonitoredEnterprise.objects.filter(active=True, baseline_date__lte=rules.month_end(period))
             .exclude(returns__period=period).select_related("enterprise", "region"))
    overdue_ids = [m.pk for m in firms if today > rules.return_due_date(
        period, due_day=policy_value("monitoring.return.due_day", on=period, region=m.region_id))]
    return MonitoredEnterprise.objects.filter(pk__in=overdue_ids).select_related("enterprise", "region")


@transaction.atomic
def return_reminders_send(*, period: datetime.date, actor=None) -> int:
    """Remind every late firm (of the actor's area; all of them for the daily task) by SMS, once per month:
    the reminder row is unique per firm and month, so a second click or a retried task sends nothing."""
    if actor is not None and not actor.has_perm("monitoring.manage_monitoring"):
        raise ForbiddenError(_("You may not send reminders."))
    period = rules.month_start(period)
    late = late_enterprises(period=period)
    if actor is not None:
        late = scope_queryset(late, user=actor)
    to_send = []
    for monitored in late:
        phone = monitored.contact_phone or monitored.enterprise.contact_phone
        _reminder, created = ReturnReminder.objects.get_or_create(
            monitored=monitored, period=period,
            defaults={"sent_by": actor if actor is not None else None, "phone_masked": mask_phone(phone)})
        if created and phone:
            due_day = policy_value("monitoring.return.due_day", on=period, region=monitored.region_id)
            to_send.append((phone, _(
                "[Guangyuan Employment] %(name)s: your unemployment monitoring return for %(month)s was due on "
                "%(due)s. Please file it online now.") % {
                    "name": monitored.enterprise.name, "month": f"{period:%Y-%m}",
                    "due": rules.return_due_date(period, due_day=due_day).isoformat()}))
        if created:
            audit_log(actor=actor, event_type="monitoring.return.remind", obj=monitored,
                      details={"period": f"{period:%Y-%m}", "sms": bool(phone)})
    transaction.on_commit(lambda: [send_sms(phone, text) for phone, text in to_send])
    return len(to_send)


# ---------------------------------------------------------------- warnings


def _firm_window(monitored: MonitoredEnterprise, period: datetime.date, months: int) -> rules.FirmWindow | None:
    first = rules.add_months(period, -(months - 1))
    in_window = list(MonthlyReturn.objects.filter(monitored=monitored, period__range=(first, period))
                     .values("period", "headcount", "reductions"))
    current = next((r for r in in_window if r["period"] == period), None)
    if current is None:
        return None
    return rules.FirmWindow(start_headcount=previous_headcount(monitored, first),
                            reductions=sum(r["reductions"] for r in in_window), headcount=current["headcount"],
                            baseline_headcount=monitored.baseline_headcount)


def _rule_applies(rule: WarningRule, monitored: MonitoredEnterprise) -> bool:
    if not rule.scope_value:
        return True
    return {
        WarningRule.Scope.ENTERPRISE: monitored.enterprise.credit_code,
        WarningRule.Scope.INDUSTRY: monitored.industry,
        WarningRule.Scope.COUNTY: monitored.region_id[:6],
        WarningRule.Scope.CITY: CITY_CODE,
    }[rule.scope] == rule.scope_value


def _area_of(rule: WarningRule, monitored: MonitoredEnterprise) -> tuple[str, Q, str]:
    """The subject key, the firms it covers and the region a warning about it belongs to."""
    if rule.scope == WarningRule.Scope.INDUSTRY:
        return monitored.industry, Q(industry=monitored.industry), CITY_CODE
    if rule.scope == WarningRule.Scope.COUNTY:
        county = monitored.region_id[:6]
        return county, Q(region__pk__startswith=county), county
    return CITY_CODE, Q(), CITY_CODE


def _subject_label(rule: WarningRule, key: str, monitored: MonitoredEnterprise) -> str:
    from monitoring.models import Industry

    if rule.scope == WarningRule.Scope.ENTERPRISE:
        return f"{monitored.enterprise.name}（{monitored.enterprise.credit_code}）"
    if rule.scope == WarningRule.Scope.INDUSTRY:
        return str(Industry(key).label)
    region = Region.objects.filter(pk=key).first()
    return region.name if region else key


def warnings_evaluate(*, monitored: MonitoredEnterprise, period: datetime.date) -> list[Warning]:
    """Evaluate every active rule that concerns the firm for the month; raise (or update, while still open)
    one warning per rule, subject and month."""
    raised = []
    for rule in WarningRule.objects.filter(active=True):
        if not _rule_applies(rule, monitored):
            continue
        if rule.metric in WarningRule.AREA_METRICS:
            key, firms_q, region = _area_of(rule, monitored)
            windows = [w for m in MonitoredEnterprise.objects.filter(firms_q, active=True)
                       if (w := _firm_window(m, period, rule.window_months)) is not None]
            outcome = rules.area_metric(rule.metric, windows, threshold=rule.threshold,
                                        more_than_people=rule.firm_min_people, more_than_ratio=rule.firm_min_ratio)
            details = {"firms_reporting": len(windows), "reductions": sum(w.reductions for w in windows)}
            subject = None
        else:
            window = _firm_window(monitored, period, rule.window_months)
            if window is None:
                continue
            if rule.metric == WarningRule.Metric.STATUTORY:
                outcome = rules.statutory_mass_layoff(
                    window, min_people=policy_value("monitoring.mass_layoff.min_people", on=period,
                                                    region=monitored.region_id),
                    min_ratio=policy_value("monitoring.mass_layoff.min_ratio", on=period, region=monitored.region_id))
            else:
                outcome = rules.firm_metric(rule.metric, window, threshold=rule.threshold)
            key, region, subject = monitored.enterprise.credit_code, monitored.region_id, monitored
            details = {"start_headcount": window.start_headcount, "reductions": window.reductions,
                       "headcount": window.headcount, "baseline_headcount": window.baseline_headcount}
        if not outcome.triggered:
            continue
        details["window_months"] = rule.window_months
        warning = _warning_raise(rule=rule, key=key, label=_subject_label(rule, key, monitored), monitored=subject,
                                 region=region, period=period, outcome=outcome, details=details)
        if warning is not None:
            raised.append(warning)
    return raised


def _new_ref(period: datetime.date) -> str:
    return f"YJ-{period:%Y%m}-{secrets.token_hex(3).upper()}"


def _warning_raise(*, rule, key, label, monitored, region, period, outcome, details) -> Warning | None:
    existing = Warning.objects.select_for_update().filter(rule=rule, subject_key=key, period=period).first()
    if existing is not None:
        if existing.status != Warning.Status.OPEN:
            return None  # already taken up by a manager: a later return of the month does not reopen it
        Warning.objects.filter(pk=existing.pk).update(value=outcome.value, details=details, version=F("version") + 1)
        existing.refresh_from_db()
        return existing
    try:
        with transaction.atomic():
            warning = Warning.objects.create(
                ref=_new_ref(period), rule=rule, level=rule.level, subject_key=key, subject_label=label[:160],
                monitored=monitored, region_id=region, period=period, value=outcome.value,
                threshold=outcome.threshold, details=details)
    except IntegrityError:
        return None  # raised at the same moment by a concurrent return of the same area
    WarningEvent.objects.create(warning=warning, action="raise", to_status=Warning.Status.OPEN,
                                note=str(rule.name))
    audit_log(actor=None, event_type="monitoring.warning.raise", obj=warning,
              details={"rule": rule.code, "subject": key, "period": f"{period:%Y-%m}", "value": str(outcome.value)})
    return warning


WARNING_MOVES = {
    "acknowledge": ((Warning.Status.OPEN,), Warning.Status.ACKNOWLEDGED),
    "handle": ((Warning.Status.OPEN, Warning.Status.ACKNOWLEDGED), Warning.Status.HANDLED),
    "close": ((Warning.Status.ACKNOWLEDGED, Warning.Status.HANDLED), Warning.Status.CLOSED),
}
NOTE_REQUIRED = ("handle", "close")


@transaction.atomic
def warning_transition(*, warning: Warning, action: str, version: int, note: str, actor) -> Warning:
    """Acknowledge, handle or close a warning. The update is conditional on the status and version the
    manager saw, so a double click or two managers at once move it once."""
    if action not in WARNING_MOVES:
        raise ApplicationError(_("Unknown action."), code="unknown_action")
    if not actor.has_perm("monitoring.handle_warning"):
        raise ForbiddenError(_("You may not handle warnings."))
    if not scope_queryset(Warning.objects.filter(pk=warning.pk), user=actor).exists():
        raise NotFoundError()
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise ApplicationError(_("Write a note on what was done."), code="note_required")
    allowed_from, to_status = WARNING_MOVES[action]
    now = timezone.now()
    moved = Warning.objects.filter(pk=warning.pk, status__in=allowed_from, version=version).update(
        status=to_status, version=F("version") + 1,
        closed_at=now if to_status == Warning.Status.CLOSED else None)
    if not moved:
        raise ConflictError(_("The warning has changed since you opened it; reload the page."))
    WarningEvent.objects.create(warning=warning, action=action, from_status=warning.status, to_status=to_status,
                                note=note, actor=actor)
    audit_log(actor=actor, event_type=f"monitoring.warning.{action}", obj=warning,
              details={"from": warning.status, "to": to_status, "note": note})
    warning.refresh_from_db()
    transaction.on_commit(lambda: _refresh_after_warning_move(warning), robust=True)
    return warning


def _refresh_after_warning_move(warning: Warning) -> None:
    from monitoring.tasks import indicator_summaries_refresh_for

    indicator_summaries_refresh_for.delay(timezone.localdate().replace(day=1).isoformat(), warning.region_id)


def warning_rule_threshold_check(threshold: Decimal | None, metric: str) -> None:
    """Rules are edited in the administration pages; a ratio must lie between 0 and 1."""
    if metric in ("reduction_ratio", "drop_vs_baseline", "area_reduction_ratio") and threshold is not None and not (
            Decimal(0) < threshold <= Decimal(1)):
        raise ApplicationError(_("A share is written as a fraction between 0 and 1 (e.g. 0.10)."),
                               code="ratio_range")
