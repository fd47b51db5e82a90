"""One plan per person (一人一策), its follow-ups, and service records. A service given to a person on a plan
counts as the contact due: the open follow-up is done, and the next is scheduled at the plan's cadence."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_value
from guangyuan_jobs.registry.models import Person
from priority_groups import rules
from priority_groups.models import (
    FollowUp,
    GroupMembership,
    Need,
    Plan,
    PlanMeasure,
    ServiceChannel,
    ServiceRecord,
    ServiceType,
)
from priority_groups.services.common import MANAGE, require_person_in_scope, require_staff_permission

CADENCE_KEY = "pg.contact_cadence_days.{group}"
DEFAULT_CADENCE_KEY = "pg.contact_cadence_days.default"


def contact_cadence_days(*, person: Person, on: datetime.date) -> int:
    """The shortest contact interval of the person's groups on that date (a group without its own parameter
    takes the default)."""
    region = person.region_id or CITY_CODE
    groups = (GroupMembership.objects.filter(person=person, valid_from__lte=on).exclude(valid_to__lt=on)
              .values_list("group_id", flat=True))
    default = int(policy_value(DEFAULT_CADENCE_KEY, on=on, region=region))
    cadences = []
    for group in set(groups):
        try:
            cadences.append(int(policy_value(CADENCE_KEY.format(group=group), on=on, region=region)))
        except PolicyParameterMissing:
            cadences.append(default)
    return min(cadences, default=default)


def _clean_needs(needs) -> list[str]:
    needs = list(dict.fromkeys(needs or []))
    if not needs:
        raise ValidationError({"needs": [_("Choose at least one need.")]})
    if any(need not in Need.values for need in needs):
        raise ValidationError({"needs": [_("Choose needs from the list.")]})
    return needs


@transaction.atomic
def plan_create(*, person: Person, caseworker, needs, needs_note: str = "", measures=(),
                started_on: datetime.date | None = None, actor) -> Plan:
    """The person's plan, with its first follow-up due one cadence after the start. A second plan for the same
    person is refused (a double click creates one)."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    if not (caseworker and caseworker.is_active and not caseworker.is_applicant and caseworker.has_perm(MANAGE)):
        raise ValidationError({"caseworker": [_("Choose a caseworker who works with priority groups.")]})
    require_person_in_scope(caseworker, person)
    started_on = started_on or timezone.localdate()
    needs = _clean_needs(needs)
    needs_note = (needs_note or "").strip()
    if len(needs_note) > 500:
        raise ValidationError({"needs_note": [_("At most %(n)d characters.") % {"n": 500}]})
    cadence = contact_cadence_days(person=person, on=started_on)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(person=person, caseworker=caseworker, needs=needs, needs_note=needs_note,
                                       contact_every_days=cadence, started_on=started_on, created_by=actor)
    except IntegrityError:
        raise ConflictError(_("This person already has a plan."), code="plan_exists") from None
    for kind, description in measures:
        _measure_add(plan, kind=kind, description=description)
    FollowUp.objects.create(plan=plan, due_on=rules.next_contact_due(started_on, cadence))
    audit_log(actor=actor, event_type="priority_groups.plan.created", obj=person,
              details={"caseworker": caseworker.get_username(), "needs": needs, "cadence_days": cadence})
    return plan


def _measure_add(plan: Plan, *, kind: str, description: str) -> PlanMeasure:
    if kind not in PlanMeasure.Kind.values:
        raise ValidationError({"kind": [_("Choose a measure.")]})
    description = (description or "").strip()
    if not description or len(description) > 200:
        raise ValidationError({"description": [_("Say what the measure is (at most 200 characters).")]})
    return PlanMeasure.objects.create(plan=plan, kind=kind, description=description)


@transaction.atomic
def plan_measure_add(*, plan: Plan, kind: str, description: str, actor) -> PlanMeasure:
    require_staff_permission(actor)
    require_person_in_scope(actor, plan.person)
    if plan.status != Plan.Status.OPEN:
        raise ConflictError(_("The plan is closed."), code="plan_closed")
    measure = _measure_add(plan, kind=kind, description=description)
    audit_log(actor=actor, event_type="priority_groups.plan.measure_added", obj=plan.person,
              details={"kind": kind})
    return measure


@transaction.atomic
def plan_measure_done(*, measure: PlanMeasure, done_on: datetime.date, actor) -> PlanMeasure:
    require_staff_permission(actor)
    require_person_in_scope(actor, measure.plan.person)
    if not PlanMeasure.objects.filter(pk=measure.pk, done_on__isnull=True).update(done_on=done_on):
        raise ConflictError(_("This measure is already done."), code="measure_done")
    measure.refresh_from_db()
    audit_log(actor=actor, event_type="priority_groups.plan.measure_done", obj=measure.plan.person,
              details={"kind": measure.kind, "done_on": done_on.isoformat()})
    return measure


@transaction.atomic
def plan_close(*, plan: Plan, reason: str, closed_on: datetime.date | None = None, actor) -> Plan:
    require_staff_permission(actor)
    require_person_in_scope(actor, plan.person)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": [_("Say why the plan closes (at most 200 characters).")]})
    closed_on = closed_on or timezone.localdate()
    moved = Plan.objects.filter(pk=plan.pk, status=Plan.Status.OPEN, version=plan.version).update(
        status=Plan.Status.CLOSED, closed_on=closed_on, closed_reason=reason, version=plan.version + 1)
    if not moved:
        raise ConflictError(_("The plan was changed or closed meanwhile; reload the page."), code="plan_moved")
    FollowUp.objects.filter(plan=plan, done_on__isnull=True, cancelled=False).update(cancelled=True)
    plan.refresh_from_db()
    audit_log(actor=actor, event_type="priority_groups.plan.closed", obj=plan.person, details={"reason": reason})
    return plan


def _follow_up_with(record: ServiceRecord) -> None:
    plan = Plan.objects.filter(person_id=record.person_id, status=Plan.Status.OPEN).first()
    if plan is None or record.served_on < plan.started_on:
        return
    open_follow_up = FollowUp.objects.filter(plan=plan, done_on__isnull=True, cancelled=False).first()
    if open_follow_up is not None:
        done = FollowUp.objects.filter(pk=open_follow_up.pk, done_on__isnull=True, cancelled=False).update(
            done_on=record.served_on, service=record)
        if not done:
            return  # done by a concurrent service record, which scheduled the next one
    FollowUp.objects.create(plan=plan, due_on=rules.next_contact_due(record.served_on, plan.contact_every_days))


@transaction.atomic
def service_record_create(*, person: Person, service_type: str, served_on: datetime.date, channel: str,
                          outcome: str = "", actor, referral=None) -> ServiceRecord:
    """One service given to one person (one person-time). Not in the future."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    errors = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = [_("Choose a service.")]
    if channel not in ServiceChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if served_on > timezone.localdate():
        errors["served_on"] = [_("A service cannot be recorded in the future.")]
    outcome = (outcome or "").strip()
    if len(outcome) > 200:
        errors["outcome"] = [_("At most %(n)d characters.") % {"n": 200}]
    if errors:
        raise ValidationError(errors)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one follow-up chain move at a time
    record = ServiceRecord.objects.create(person=person, service_type=service_type, served_on=served_on, staff=actor,
                                          channel=channel, outcome=outcome, referral=referral)
    _follow_up_with(record)
    audit_log(actor=actor, event_type="priority_groups.service.recorded", obj=person,
              details={"service_type": service_type, "served_on": served_on.isoformat(), "channel": channel})
    return record
