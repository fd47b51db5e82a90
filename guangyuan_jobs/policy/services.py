"""Every write to policy: a parameter superseded by a new period, a year's holidays entered. Both audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyDocument, PolicyParameter
from guangyuan_jobs.policy.rules import (
    CalendarEntry,
    Period,
    calendar_year_check,
    parameter_value_clean,
    period_to_close,
)
from guangyuan_jobs.policy.selectors import policy_reads_forget
from guangyuan_jobs.registry.models import Region


def _region_code(region: Region | str | None) -> str | None:
    code = region.code if isinstance(region, Region) else (region or None)
    if code is not None and not Region.objects.filter(code=code).exists():
        raise ValidationError(_("Unknown region code %(code)s.") % {"code": code}, code="region")
    return code


@transaction.atomic
def parameter_supersede(*, key: str, region: Region | str | None, value, valid_from: datetime.date,
                        document: PolicyDocument | None, confidence: str, note: str, actor,
                        value_type: str | None = None, unit: str | None = None) -> PolicyParameter:
    """A new value of `key` for `region` from `valid_from` on (open-ended).

    The period in force on `valid_from` is closed the day before; a period starting on or after
    `valid_from` means the two would overlap, and the change is refused. A key seen before keeps its type
    and unit unless told otherwise; a new key needs `value_type`.
    """
    key = (key or "").strip()
    if not key:
        raise ValidationError(_("Enter the parameter key."), code="key")
    region_code = _region_code(region)
    if confidence not in PolicyParameter.Confidence.values:
        raise ValidationError(_("Choose how far the value is verified."), code="confidence")
    # Lock every row of the key, so two administrators superseding it at once are serialised.
    rows = list(PolicyParameter.objects.select_for_update().filter(key=key).order_by("valid_from"))
    template = rows[-1] if rows else None
    value_type = value_type or (template.value_type if template else None)
    if value_type not in PolicyParameter.ValueType.values:
        raise ValidationError(_("Choose the value type of the new parameter."), code="value_type")
    unit = unit if unit is not None else (template.unit if template else "")
    stored = parameter_value_clean(value_type, value)

    same_region = [row for row in rows if row.region_id == region_code]
    current = period_to_close([Period(row.pk, row.valid_from, row.valid_to) for row in same_region], valid_from)
    closed = None
    if current is not None:
        closed = next(row for row in same_region if row.pk == current.id)
        closed.valid_to = valid_from - datetime.timedelta(days=1)
        closed.save(update_fields=["valid_to"])
    try:
        with transaction.atomic():
            parameter = PolicyParameter.objects.create(
                key=key, value=stored, value_type=value_type, unit=unit, region_id=region_code,
                valid_from=valid_from, valid_to=None, document=document, confidence=confidence,
                note=(note or "").strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint (or the unique start) caught an overlap the lock could not.
        raise ConflictError(_("Another period of this parameter overlaps the new one; reload and try again."),
                            code="overlap") from exc
    audit_log(actor=actor, event_type="policy.parameter_superseded", obj=parameter, details={
        "key": key, "region": region_code, "value": stored, "valid_from": valid_from.isoformat(),
        "confidence": confidence, "document": str(document) if document else "",
        "closed": {"id": closed.pk, "value": closed.value, "valid_to": closed.valid_to.isoformat()} if closed else None,
    })
    policy_reads_forget()  # a read cached earlier in this unit of work may no longer be the value in force
    return parameter


@transaction.atomic
def calendar_year_enter(*, year: int, holidays: list[CalendarEntry], workdays: list[CalendarEntry], source: str,
                        actor, replace: bool = False) -> CalendarYear:
    """The official schedule of `year`: weekday holidays off, weekend make-up days worked.

    Entering a year that is already known is refused unless `replace`, which swaps the whole year (the
    State Council occasionally corrects a schedule).
    """
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Enter a year between 2000 and 2100."), code="year")
    source = (source or "").strip()
    if not source:
        raise ValidationError(_("Name the source of the schedule (e.g. the State Council notice)."), code="source")
    wrong_year = [e.date.isoformat() for e in [*holidays, *workdays] if e.date.year != year]
    if wrong_year:
        raise ValidationError(_("These dates are not in %(year)d: %(dates)s.")
                              % {"year": year, "dates": ", ".join(wrong_year)}, code="year")
    calendar_year_check(holidays, workdays)
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    previous = None
    if existing is not None:
        if not replace:
            raise ConflictError(_("The calendar of %(year)d is already entered; choose to replace it.")
                                % {"year": year}, code="calendar_year_exists")
        previous = {"source": existing.source, "days": CalendarDay.objects.filter(date__year=year).count()}
        CalendarDay.objects.filter(date__year=year).delete()
        existing.delete()
    calendar_year = CalendarYear.objects.create(year=year, source=source[:200])
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=e.date, is_workday=False, name=e.name) for e in holidays]
        + [CalendarDay(date=e.date, is_workday=True, name=e.name) for e in workdays]
    )
    audit_log(actor=actor, event_type="policy.calendar_year_entered", obj=calendar_year, details={
        "year": year, "source": calendar_year.source, "replaced": previous,
        "holidays": [e.date.isoformat() for e in holidays], "workdays": [e.date.isoformat() for e in workdays],
    })
    return calendar_year
