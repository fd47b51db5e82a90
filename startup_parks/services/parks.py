"""Parks and their life: registration, resident firms moving in and out, and jobs reported per firm and month."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError, ForbiddenError
from guangyuan_jobs.core.identifiers import parse_credit_code
from guangyuan_jobs.registry.models import Enterprise, Region
from guangyuan_jobs.registry.selectors import CITY_CODE, city_regions
from startup_parks.models import JobsReport, Park, ParkKind, ParkLevel, Resident
from startup_parks.selectors import is_operator
from startup_parks.services.common import fresh_ref, require_visible

ADD = "startup_parks.add_park"
RECORD = "startup_parks.record_park_activity"


def _enterprise(code: str, errors: dict, field: str) -> Enterprise | None:
    try:
        parsed = parse_credit_code(str(code or "").strip())
    except ValidationError:
        errors[field] = [_("Enter a valid unified social credit code.")]
        return None
    enterprise = Enterprise.objects.filter(credit_code=parsed.code).first()
    if enterprise is None:
        errors[field] = [_("No enterprise with this credit code is registered.")]
    return enterprise


def _in_area(actor, region: Region) -> bool:
    from guangyuan_jobs.accounts.models import User

    if actor.scope == User.Scope.WHOLE_CITY:
        return True
    return bool(actor.scope == User.Scope.DISTRICT and actor.scope_region_id
                and region.code.startswith(actor.scope_region_id[:6]))


@transaction.atomic
def park_register(*, data: dict, actor) -> Park:
    """A park recorded by the Center's staff (any operator in the registry) or by its operator's own account.
    Bad input raises ValidationError and changes nothing."""
    if actor is None or not actor.is_authenticated:
        raise ForbiddenError(_("Your role may not do this."))
    by_operator = actor.is_applicant
    if by_operator and not actor.enterprise_id:
        raise ForbiddenError(_("Only an enterprise account registers the park it runs."))
    if not by_operator and not actor.has_perm(ADD):
        raise ForbiddenError(_("Your role may not do this."))
    errors: dict = {}
    name = str(data.get("name", "")).strip()
    if not name or len(name) > 128:
        errors["name"] = [_("Required, at most %(n)d characters.") % {"n": 128}]
    kind, level = str(data.get("kind", "")), str(data.get("level", ""))
    if kind not in ParkKind.values:
        errors["kind"] = [_("Choose the kind of park.")]
    if level not in ParkLevel.values:
        errors["level"] = [_("Choose the level.")]
    region = city_regions().filter(pk=str(data.get("region", ""))).exclude(pk=CITY_CODE).first()
    if region is None:
        errors["region"] = [_("Choose a district of Guangyuan.")]
    address = str(data.get("address", "")).strip()
    if not address or len(address) > 200:
        errors["address"] = [_("Required, at most %(n)d characters.") % {"n": 200}]
    try:
        area = Decimal(str(data.get("area_m2", "")).strip())
        if not area.is_finite() or area <= 0 or area != area.quantize(Decimal("0.01")) or area >= 10**10:
            raise InvalidOperation
    except InvalidOperation:
        errors["area_m2"] = [_("Enter the area in square metres, more than zero.")]
        area = None
    if by_operator:
        operator = Enterprise.objects.get(pk=actor.enterprise_id)
    else:
        operator = _enterprise(data.get("operator_credit_code", ""), errors, "operator_credit_code")
    if region is not None and not by_operator and not _in_area(actor, region):
        errors["region"] = [_("This district is outside your area.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            park = Park.objects.create(ref=fresh_ref(Park, "YQ"), name=name, kind=kind, level=level, region=region,
                                       operator=operator, area_m2=area, address=address, created_by=actor)
    except IntegrityError as exc:
        raise ValidationError({"name": [_("This operator already has a park of this name.")]}) from exc
    audit_log(actor=actor, event_type="startup_parks.park.register", obj=park,
              details={"kind": kind, "level": level, "region": region.pk, "operator": operator.credit_code,
                       "area_m2": str(area)})
    return park


def _require_recorder(actor, park: Park) -> None:
    if is_operator(actor, park):
        return
    if actor is None or not actor.is_authenticated or actor.is_applicant or not actor.has_perm(RECORD):
        raise ForbiddenError(_("Only the park's operator or the Center's staff record its firms and jobs."))
    require_visible(actor, park)


def _date(value, errors: dict, field: str) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


@transaction.atomic
def resident_add(*, park: Park, credit_code: str, moved_in_on, actor) -> Resident:
    _require_recorder(actor, park)
    errors: dict = {}
    enterprise = _enterprise(credit_code, errors, "credit_code")
    day = _date(moved_in_on, errors, "moved_in_on")
    if enterprise is not None and enterprise.pk == park.operator_id:
        errors["credit_code"] = [_("The operator itself is not a resident firm.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            resident = Resident.objects.create(park=park, enterprise=enterprise, moved_in_on=day, recorded_by=actor)
    except IntegrityError:
        raise ConflictError(_("This firm is already in the park."), code="resident_exists") from None
    audit_log(actor=actor, event_type="startup_parks.resident.add", obj=park,
              details={"resident": resident.pk, "enterprise": enterprise.credit_code, "moved_in_on": day.isoformat()})
    return resident


@transaction.atomic
def resident_move_out(*, resident: Resident, moved_out_on, actor) -> Resident:
    resident = Resident.objects.select_for_update().select_related("park").get(pk=resident.pk)
    _require_recorder(actor, resident.park)
    errors: dict = {}
    day = _date(moved_out_on, errors, "moved_out_on")
    if errors:
        raise ValidationError(errors)
    if resident.moved_out_on is not None:
        raise ConflictError(_("This firm has already moved out."), code="moved_out")
    if day < resident.moved_in_on:
        raise ValidationError({"moved_out_on": [_("The move-out cannot be before the move-in.")]})
    resident.moved_out_on = day
    resident.save(update_fields=["moved_out_on"])
    audit_log(actor=actor, event_type="startup_parks.resident.move_out", obj=resident.park,
              details={"resident": resident.pk, "moved_out_on": day.isoformat()})
    return resident


@transaction.atomic
def jobs_report(*, resident: Resident, period, jobs_created, actor) -> JobsReport:
    """The jobs one firm created in one month; a second report for the month corrects the first (audited with
    both figures). The month must fall within the firm's residence."""
    resident = Resident.objects.select_related("park").get(pk=resident.pk)
    _require_recorder(actor, resident.park)
    errors: dict = {}
    if isinstance(period, datetime.date):
        month = period.replace(day=1)
    else:
        try:
            month = datetime.date.fromisoformat(f"{str(period).strip()[:7]}-01")
        except ValueError:
            errors["period"] = [_("Enter a month as YYYY-MM.")]
            month = None
    try:
        jobs = int(str(jobs_created).strip())
        if jobs < 0 or jobs > 100_000:
            raise ValueError
    except ValueError:
        errors["jobs_created"] = [_("Enter a whole number of jobs, 0 or more.")]
        jobs = None
    if month is not None and (month < resident.moved_in_on.replace(day=1)
                              or (resident.moved_out_on and month > resident.moved_out_on)):
        errors["period"] = [_("The firm was not in the park in this month.")]
    if errors:
        raise ValidationError(errors)
    existing = JobsReport.objects.select_for_update().filter(resident=resident, period=month).first()
    before = existing.jobs_created if existing else None
    if existing is None:
        try:
            with transaction.atomic():
                report = JobsReport.objects.create(resident=resident, period=month, jobs_created=jobs,
                                                   reported_by=actor)
        except IntegrityError:
            raise ConflictError(_("This month was reported meanwhile. Reload the page."), code="stale") from None
    else:
        existing.jobs_created, existing.reported_by = jobs, actor
        existing.save(update_fields=["jobs_created", "reported_by", "reported_at"])
        report = existing
    audit_log(actor=actor, event_type="startup_parks.jobs.report", obj=resident.park,
              details={"resident": resident.pk, "period": month.isoformat()[:7], "jobs_created": jobs,
                       "before": before})
    return report

