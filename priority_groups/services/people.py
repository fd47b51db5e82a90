"""Writes to a person's file: group memberships, employment status periods, households."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Person, Region
from priority_groups.models import (
    EmploymentStatus,
    EmploymentStatusKind,
    GroupCode,
    GroupMembership,
    Household,
    HouseholdMember,
    MembershipSource,
)
from priority_groups.services.common import (
    require_person_in_scope,
    require_row_in_scope,
    require_staff_permission,
)


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return value


@transaction.atomic
def membership_add(*, person: Person, group: GroupCode, valid_from: datetime.date, evidence: str,
                   source: str = MembershipSource.CASEWORKER, subtype: GroupCode | None = None,
                   valid_to: datetime.date | None = None, actor, roster_import=None) -> GroupMembership:
    """Tag the person with a group from a date, with the evidence. An open membership of the same group is
    refused (end it first); so is a period overlapping an earlier one."""
    if roster_import is None:
        require_staff_permission(actor)
        require_person_in_scope(actor, person)
    if group.parent_id is not None or not group.active:
        raise ValidationError({"group": [_("Choose an active group.")]})
    if subtype is not None and subtype.parent_id != group.pk:
        raise ValidationError({"subtype": [_("This subtype belongs to another group.")]})
    if group.subtypes.exists() and subtype is None:
        raise ValidationError({"subtype": [_("Choose the subtype of this group.")]})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": [_("The end is before the start.")]})
    evidence = _clean_text(evidence, field="evidence", max_length=200)
    if source not in MembershipSource.values:
        raise ValidationError({"source": [_("Choose a source.")]})
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per person's periods
    overlapping = GroupMembership.objects.filter(person=person, group=group).exclude(
        valid_to__lt=valid_from)
    if valid_to is not None:
        overlapping = overlapping.exclude(valid_from__gt=valid_to)
    if overlapping.exists():
        raise ConflictError(_("The person is already in this group for part of this period."),
                            code="membership_overlap")
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                person=person, group=group, subtype=subtype, valid_from=valid_from, valid_to=valid_to,
                evidence=evidence, source=source, roster_import=roster_import,
                created_by=actor if actor and actor.is_authenticated else None)
    except IntegrityError:
        raise ConflictError(_("The person is already in this group for part of this period."),
                            code="membership_overlap") from None
    audit_log(actor=actor, event_type="priority_groups.membership.added", obj=person,
              details={"group": group.pk, "subtype": subtype.pk if subtype else None,
                       "valid_from": valid_from.isoformat(), "source": source})
    return membership


@transaction.atomic
def membership_end(*, membership: GroupMembership, valid_to: datetime.date, actor) -> GroupMembership:
    require_staff_permission(actor)
    require_person_in_scope(actor, membership.person)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.valid_to is not None:
        raise ConflictError(_("This membership has already ended."), code="already_ended")
    if valid_to < membership.valid_from:
        raise ValidationError({"valid_to": [_("The end is before the start.")]})
    membership.valid_to = valid_to
    membership.save(update_fields=["valid_to"])
    audit_log(actor=actor, event_type="priority_groups.membership.ended", obj=membership.person,
              details={"group": membership.group_id, "valid_to": valid_to.isoformat()})
    return membership


@transaction.atomic
def status_record(*, person: Person, status: str, valid_from: datetime.date, actor, employer_name: str = "",
                  work_place: str = "", note: str = "", source: str = MembershipSource.CASEWORKER,
                  check_scope: bool = True) -> EmploymentStatus:
    """Record the person's employment status from a date. The open period ends the day before; a status that
    starts on or before the open period's start would rewrite history and is refused (correct it instead)."""
    if check_scope:
        require_staff_permission(actor)
        require_person_in_scope(actor, person)
    if status not in EmploymentStatusKind.values:
        raise ValidationError({"status": [_("Choose an employment status.")]})
    employer_name = _clean_text(employer_name, field="employer_name", max_length=128, required=False)
    work_place = _clean_text(work_place, field="work_place", max_length=64, required=False)
    note = _clean_text(note, field="note", max_length=200, required=False)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    latest = EmploymentStatus.objects.filter(person=person).order_by("-valid_from").first()
    if latest is not None:
        if valid_from <= latest.valid_from:
            raise ConflictError(
                _("The status history already has a period from %(date)s; a new status must start after it.")
                % {"date": latest.valid_from.isoformat()}, code="status_not_after_latest")
        if latest.valid_to is None:
            latest.valid_to = valid_from - datetime.timedelta(days=1)
            latest.save(update_fields=["valid_to"])
        elif latest.valid_to >= valid_from:
            raise ConflictError(_("The new status overlaps the last period."), code="status_overlap")
    period = EmploymentStatus.objects.create(
        person=person, status=status, valid_from=valid_from, employer_name=employer_name, work_place=work_place,
        note=note, source=source, recorded_by=actor if actor and actor.is_authenticated else None)
    audit_log(actor=actor, event_type="priority_groups.status.recorded", obj=person,
              details={"status": status, "valid_from": valid_from.isoformat(),
                       "previous": latest.status if latest else None})
    return period


@transaction.atomic
def household_create(*, name: str, region: Region, address: str = "", urban: bool = True, head: Person,
                     actor) -> Household:
    """A household with its head as first member."""
    require_staff_permission(actor)
    require_person_in_scope(actor, head)
    household = Household.objects.create(
        name=_clean_text(name, field="name", max_length=64), region=region,
        address=_clean_text(address, field="address", max_length=200, required=False), urban=urban,
        created_by=actor)
    require_row_in_scope(actor, household)
    _member_add(household=household, person=head, relationship=HouseholdMember.Relationship.HEAD)
    audit_log(actor=actor, event_type="priority_groups.household.created", obj=household,
              details={"region": region.pk, "head": head.id_number_masked})
    return household


def _member_add(*, household: Household, person: Person, relationship: str) -> HouseholdMember:
    if relationship not in HouseholdMember.Relationship.values:
        raise ValidationError({"relationship": [_("Choose the relationship.")]})
    if HouseholdMember.objects.filter(person=person).exists():
        raise ConflictError(_("This person already belongs to a household."), code="already_in_household")
    if relationship == HouseholdMember.Relationship.HEAD and household.members.filter(relationship="head").exists():
        raise ConflictError(_("The household already has a head."), code="household_has_head")
    try:
        with transaction.atomic():
            return HouseholdMember.objects.create(household=household, person=person, relationship=relationship)
    except IntegrityError:
        raise ConflictError(_("This person already belongs to a household."), code="already_in_household") from None


@transaction.atomic
def household_member_add(*, household: Household, person: Person, relationship: str, actor) -> HouseholdMember:
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    require_row_in_scope(actor, household)
    member = _member_add(household=household, person=person, relationship=relationship)
    audit_log(actor=actor, event_type="priority_groups.household.member_added", obj=household,
              details={"person": person.id_number_masked, "relationship": relationship})
    return member
