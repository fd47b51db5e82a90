"""Organised transfers, employment bases and workshops, and the monitored villages' returns."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Person, Region
from priority_groups.models import (
    BaseWorker,
    EmploymentBase,
    EmploymentStatusKind,
    TransferTrip,
    TransferTripMember,
    VillageReturn,
)
from priority_groups.services.common import require_person_in_scope, require_row_in_scope, require_staff_permission
from priority_groups.services.people import status_record


def _text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_length:
        raise ValidationError({field: [_("Enter it (at most %(n)d characters).") % {"n": max_length}]})
    return value


@transaction.atomic
def trip_create(*, cooperation: str, destination: str, region: Region, departed_on: datetime.date,
                transport: str = "", actor) -> TransferTrip:
    require_staff_permission(actor)
    if cooperation not in TransferTrip.Cooperation.values:
        raise ValidationError({"cooperation": [_("Choose the cooperation.")]})
    trip = TransferTrip.objects.create(cooperation=cooperation, destination=_text(destination, "destination", 64),
                                       region=region, departed_on=departed_on, transport=(transport or "")[:64],
                                       created_by=actor)
    require_row_in_scope(actor, trip)
    audit_log(actor=actor, event_type="priority_groups.trip.created", obj=trip,
              details={"destination": trip.destination, "departed_on": departed_on.isoformat()})
    return trip


@transaction.atomic
def trip_member_add(*, trip: TransferTrip, person: Person, employer_name: str, actor) -> TransferTripMember:
    """The person leaves with the trip to work for the employer: recorded employed outside the province (or the
    county, for a destination in Sichuan) from the departure day."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    require_row_in_scope(actor, trip)
    employer_name = _text(employer_name, "employer_name", 128)
    try:
        with transaction.atomic():
            member = TransferTripMember.objects.create(trip=trip, person=person, employer_name=employer_name)
    except IntegrityError:
        raise ConflictError(_("This person is already on the trip."), code="already_on_trip") from None
    in_sichuan = trip.cooperation == TransferTrip.Cooperation.CHENGDU
    status_record(person=person, valid_from=trip.departed_on, actor=actor, employer_name=employer_name,
                  work_place=trip.destination, note=_("Organised transfer"),
                  status=EmploymentStatusKind.EMPLOYED_OUT_OF_COUNTY if in_sichuan
                  else EmploymentStatusKind.EMPLOYED_OUT_OF_PROVINCE)
    audit_log(actor=actor, event_type="priority_groups.trip.member_added", obj=trip,
              details={"person": person.id_number_masked, "employer": employer_name})
    return member


@transaction.atomic
def base_create(*, name: str, kind: str, region: Region, operator_name: str, established_on: datetime.date,
                actor) -> EmploymentBase:
    require_staff_permission(actor)
    if kind not in EmploymentBase.Kind.values:
        raise ValidationError({"kind": [_("Choose base or workshop.")]})
    base = EmploymentBase.objects.create(name=_text(name, "name", 128), kind=kind, region=region,
                                         operator_name=_text(operator_name, "operator_name", 128),
                                         established_on=established_on, created_by=actor)
    require_row_in_scope(actor, base)
    audit_log(actor=actor, event_type="priority_groups.base.created", obj=base, details={"kind": kind})
    return base


@transaction.atomic
def base_worker_add(*, base: EmploymentBase, person: Person, started_on: datetime.date, actor) -> BaseWorker:
    """The person works at the base or workshop from that day: recorded employed locally."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    require_row_in_scope(actor, base)
    try:
        with transaction.atomic():
            worker = BaseWorker.objects.create(base=base, person=person, started_on=started_on)
    except IntegrityError:
        raise ConflictError(_("This person already works there."), code="already_working") from None
    status_record(person=person, status=EmploymentStatusKind.EMPLOYED_LOCAL, valid_from=started_on, actor=actor,
                  employer_name=base.name, work_place=base.region.name, note=base.get_kind_display())
    audit_log(actor=actor, event_type="priority_groups.base.worker_added", obj=base,
              details={"person": person.id_number_masked, "started_on": started_on.isoformat()})
    return worker


@transaction.atomic
def village_return_submit(*, region: Region, month: datetime.date, migrants_out: int, returned: int,
                          employed_locally: int, not_working: int, actor) -> VillageReturn:
    """The village's figures for the month; submitted again, they replace the earlier ones (audited with both)."""
    require_staff_permission(actor)
    month = month.replace(day=1)
    figures = {"migrants_out": migrants_out, "returned": returned, "employed_locally": employed_locally,
               "not_working": not_working}
    if any(not isinstance(v, int) or v < 0 for v in figures.values()):
        raise ValidationError(_("Every figure is a whole number, 0 or more."))
    if returned > migrants_out:
        raise ValidationError({"returned": [_("More returned than went out.")]})
    if employed_locally + not_working > returned:
        raise ValidationError({"not_working": [_("Employed locally and not working together exceed those "
                                                 "returned.")]})
    existing = VillageReturn.objects.select_for_update().filter(region=region, month=month).first()
    before = {k: getattr(existing, k) for k in figures} if existing else None
    if existing is None:
        try:
            with transaction.atomic():
                row = VillageReturn.objects.create(region=region, month=month, reported_by=actor, **figures)
        except IntegrityError:
            raise ConflictError(_("The return was submitted meanwhile; reload the page."), code="return_exists") \
                from None
    else:
        for key, value in figures.items():
            setattr(existing, key, value)
        existing.reported_by = actor
        existing.save(update_fields=[*figures, "reported_by", "reported_at"])
        row = existing
    require_row_in_scope(actor, row)
    audit_log(actor=actor, event_type="priority_groups.village_return.submitted", obj=row,
              details={"month": month.isoformat(), "figures": figures, "before": before})
    return row
