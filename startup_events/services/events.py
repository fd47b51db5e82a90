"""Events, their status and their participants: every write here, atomic and audited.

A seat is taken with the event's row locked (SELECT ... FOR UPDATE), so concurrent registrations can never
exceed the capacity; one live registration per participant and event is a database constraint, so a double click
or two desks at once give one row. Once the event is full a registration joins the waiting list (候补); a
cancellation frees its seat and, under the same lock, gives it to the earliest waiting registration, so two
cancellations at once move up two different participants and a seat is never given twice.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create
from startup_events import rules, selectors
from startup_events.models import Channel, Event, EventStatus, EventType, Registration, RegistrationStatus

RS = RegistrationStatus


def require_manage(actor, event: Event | None = None) -> None:
    """The actor organises events and, for an existing event, it lies in their area."""
    if actor is None or not actor.is_authenticated or actor.is_applicant or not actor.has_perm(selectors.MANAGE):
        raise ForbiddenError(_("You may not organise entrepreneurship events."))
    if event is not None and not selectors.event_scope(Event.objects.filter(pk=event.pk), user=actor).exists():
        raise ForbiddenError(_("The event is outside your area."))


def _in_area(actor, region: Region) -> bool:
    if actor.scope == User.Scope.WHOLE_CITY:
        return True
    if actor.scope == User.Scope.CITY_LEVEL:
        return region.pk == CITY_CODE
    if actor.scope == User.Scope.DISTRICT and actor.scope_region_id:
        return region.pk.startswith(actor.scope_region_id[:6])
    return False


def _new_ref(held_on: datetime.date) -> str:
    return f"HD-{held_on:%Y}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def event_create(*, actor, title: str, event_type: str, organiser: str, held_on: datetime.date, place: str,
                 region: Region, capacity: int, description: str = "") -> Event:
    """A draft event. Bad input raises ValidationError and changes nothing."""
    require_manage(actor)
    errors: dict = {}
    title, organiser, place = (title or "").strip(), (organiser or "").strip(), (place or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("Required, at most %(n)d characters.") % {"n": 200}]
    if event_type not in EventType.values:
        errors["event_type"] = [_("Choose the type of event.")]
    if not organiser or len(organiser) > 128:
        errors["organiser"] = [_("Required, at most %(n)d characters.") % {"n": 128}]
    if not place or len(place) > 200:
        errors["place"] = [_("Required, at most %(n)d characters.") % {"n": 200}]
    if region is None or not region.pk.startswith("5108"):
        errors["region"] = [_("Choose a district of Guangyuan.")]
    if not isinstance(capacity, int) or capacity < 1 or capacity > 100000:
        errors["capacity"] = [_("Enter a capacity between 1 and 100000.")]
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = [_("Enter a date as YYYY-MM-DD.")]
    if errors:
        raise ValidationError(errors)
    if not _in_area(actor, region):
        raise ValidationError({"region": [_("You may organise events in your own area only.")]})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                event = Event.objects.create(ref=_new_ref(held_on), title=title, event_type=event_type,
                                             organiser=organiser, held_on=held_on, place=place, region=region,
                                             capacity=capacity, description=(description or "").strip(),
                                             created_by=actor)
            break
        except IntegrityError:  # a reference drawn twice: draw again
            continue
    else:
        raise ApplicationError(_("Could not allocate a reference; try again."), code="ref")
    audit_log(actor=actor, event_type="startup_events.event.create", obj=event,
              details={"type": event_type, "region": region.pk, "capacity": capacity, "held_on": held_on.isoformat()})
    return event


@transaction.atomic
def event_transition(*, event: Event, action: str, actor, version: int) -> Event:
    """One guarded move: the action must be open from the status the actor saw, at the version they saw."""
    require_manage(actor, event)
    move = rules.ACTIONS.get(action)
    if move is None:
        raise ApplicationError(_("Unknown action."), code="action")
    if event.status not in move.sources:
        raise ApplicationError(_("This action is not open on a %(status)s event.")
                               % {"status": event.get_status_display()}, code="status")
    updated = Event.objects.filter(pk=event.pk, status=event.status, version=version).update(
        status=move.target, version=version + 1)
    if not updated:
        raise ConflictError(_("The event changed since you opened it; reload the page."))
    before = event.status
    event.refresh_from_db()
    details = {"from": before, "to": event.status}
    if before == EventStatus.OPEN:
        # Registration ends here, and the waiting list with it: whoever is still on it was not placed, and their
        # page says so. The event's row is locked by the UPDATE above, so no cancellation promotes meanwhile.
        details["unplaced"] = Registration.objects.filter(event=event, status=RS.WAITING).update(
            status=RS.UNPLACED)
    audit_log(actor=actor, event_type=f"startup_events.event.{action}", obj=event, details=details)
    return event


def _participant(registration: Registration) -> str:
    return f"person:{registration.person_id}" if registration.person_id else f"enterprise:{registration.enterprise_id}"


def _take_seat(*, event: Event, actor, person: Person | None, enterprise: Enterprise | None, name: str,
               project: str, channel: str) -> Registration:
    """Registers the participant while a seat is left, else puts them on the waiting list (status `waiting`,
    with `waiting_position` set on the returned row)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if not rules.registration_open(locked.status):
        raise ApplicationError(_("Registration is not open: the event is %(status)s.")
                               % {"status": locked.get_status_display()}, code="registration_closed")
    live = locked.registrations.exclude(status=RS.CANCELLED)
    duplicate = live.filter(person=person) if person else live.filter(enterprise=enterprise)
    if duplicate.exists():
        raise ConflictError(_("%(name)s is already registered for this event.") % {"name": name}, code="duplicate")
    status = RS.REGISTERED if selectors.seats_taken(locked) < locked.capacity else RS.WAITING
    project = (project or "").strip()
    if len(project) > 200:
        raise ValidationError({"project": [_("At most %(n)d characters.") % {"n": 200}]})
    try:
        with transaction.atomic():
            registration = Registration.objects.create(event=locked, person=person, enterprise=enterprise,
                                                       name=name, project=project, channel=channel,
                                                       registered_by=actor, status=status)
    except IntegrityError as exc:
        raise ConflictError(_("%(name)s is already registered for this event.") % {"name": name},
                            code="duplicate") from exc
    registration.waiting_position = selectors.waiting_position(registration)
    details = {"registration": registration.pk, "channel": channel, "status": status,
               "participant": _participant(registration)}
    if status == RS.WAITING:
        details["position"] = registration.waiting_position
    audit_log(actor=actor, event_type="startup_events.registration.create", obj=locked, details=details)
    return registration


@transaction.atomic
def registration_self(*, event: Event, actor, project: str = "") -> Registration:
    """An applicant registers themselves (or their enterprise) online for an open event."""
    if actor is None or not actor.is_authenticated or not actor.is_applicant:
        raise ForbiddenError(_("Only applicants register themselves online."))
    if not selectors.event_scope(Event.objects.filter(pk=event.pk), user=actor).exists():
        raise ForbiddenError(_("You may not register for this event."))
    if actor.enterprise_id:
        enterprise = Enterprise.objects.get(pk=actor.enterprise_id)
        return _take_seat(event=event, actor=actor, person=None, enterprise=enterprise, name=enterprise.name,
                          project=project, channel=Channel.ONLINE)
    if actor.person_id:
        person = Person.objects.get(pk=actor.person_id)
        return _take_seat(event=event, actor=actor, person=person, enterprise=None, name=person.name,
                          project=project, channel=Channel.ONLINE)
    raise ApplicationError(_("Your account is not linked to a person or an enterprise."), code="no_participant")


@transaction.atomic
def registration_walk_in(*, event: Event, actor, id_number: str = "", name: str = "", credit_code: str = "",
                         project: str = "") -> Registration:
    """Staff register a walk-in participant at the desk: a person by resident ID number and name, or an
    enterprise by unified social credit code and name (found in, or added to, the registry)."""
    require_manage(actor, event)
    id_number, credit_code, name = (id_number or "").strip(), (credit_code or "").strip(), (name or "").strip()
    if bool(id_number) == bool(credit_code):
        raise ValidationError({"id_number": [_("Enter either a resident ID number or a credit code.")]})
    if credit_code:
        enterprise = enterprise_get_or_create(credit_code=credit_code, name=name, actor=actor, region=event.region)
        return _take_seat(event=event, actor=actor, person=None, enterprise=enterprise, name=enterprise.name,
                          project=project, channel=Channel.DESK)
    person = person_get_or_create(id_number=id_number, name=name, actor=actor, region=event.region)
    return _take_seat(event=event, actor=actor, person=person, enterprise=None, name=person.name,
                      project=project, channel=Channel.DESK)


@transaction.atomic
def attendance_record(*, registration: Registration, attended: bool, actor) -> Registration:
    """Staff record whether a registered participant came, once the event is held (until it is closed)."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    require_manage(actor, event)
    if not rules.attendance_open(event.status):
        raise ApplicationError(_("Attendance is recorded once the event is held, until it is closed."),
                               code="status")
    registration.refresh_from_db(fields=["status"])
    if registration.status != RS.REGISTERED:
        raise ApplicationError(_("%(name)s holds no seat (waiting list or cancelled): no attendance to record.")
                               % {"name": registration.name}, code="not_registered")
    Registration.objects.filter(pk=registration.pk).update(attended=attended, attendance_by=actor)
    registration.refresh_from_db()
    audit_log(actor=actor, event_type="startup_events.registration.attendance", obj=event,
              details={"registration": registration.pk, "attended": attended})
    return registration


def _cancellation_refusal(event: Event, today) -> str:
    if event.status in (EventStatus.HELD, EventStatus.CLOSED):
        return _("The event has already been held: the registration can no longer be cancelled.")
    if event.status == EventStatus.OPEN:
        return _("The event takes place on %(day)s: a registration is cancelled before that day only.") % {
            "day": event.held_on.isoformat()}
    return _("The event is %(status)s: the registration can no longer be cancelled.") % {
        "status": event.get_status_display()}


def _promote_waiting(*, event: Event, actor, freed_by: Registration) -> list[Registration]:
    """Gives the free seats of the (locked) event to the earliest waiting registrations, one by one."""
    promoted = []
    while selectors.seats_taken(event) < event.capacity:
        waiting = selectors.first_waiting(event)
        if waiting is None:
            break
        Registration.objects.filter(pk=waiting.pk, status=RS.WAITING).update(status=RS.REGISTERED,
                                                                            promoted_at=timezone.now())
        waiting.refresh_from_db()
        # The participant sees the move on their page (promoted_at); the audit trail records it.
        audit_log(actor=actor, event_type="startup_events.registration.promote", obj=event,
                  details={"registration": waiting.pk, "participant": _participant(waiting),
                           "freed_by": freed_by.pk})
        promoted.append(waiting)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, actor) -> Registration:
    """The participant (the person, or the enterprise's account) or staff who organise the event cancel a
    registration before the event. It stays on record as cancelled, with who cancelled it and when; a seat it
    held goes to the earliest waiting registration. The event row is locked first, as when a seat is taken."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    by_participant = selectors.is_own(user=actor, registration=registration)
    if not by_participant:
        if actor is not None and actor.is_authenticated and actor.is_applicant:
            raise ForbiddenError(_("You may cancel your own registrations only."))
        require_manage(actor, event)
    current = Registration.objects.get(pk=registration.pk)  # read again under the event's lock
    if current.status == RS.CANCELLED:
        raise ConflictError(_("This registration is already cancelled."), code="already_cancelled")
    today = timezone.localdate()
    if not rules.cancellation_open(event.status, held_on=event.held_on, today=today):
        raise ApplicationError(_cancellation_refusal(event, today), code="cancellation_closed")
    before = current.status
    Registration.objects.filter(pk=current.pk).update(status=RS.CANCELLED, cancelled_at=timezone.now(),
                                                      cancelled_by=actor)
    current.refresh_from_db()
    audit_log(actor=actor, event_type="startup_events.registration.cancel", obj=event,
              details={"registration": current.pk, "participant": _participant(current), "from": before,
                       "by": "participant" if by_participant else "staff"})
    current.promoted = _promote_waiting(event=event, actor=actor, freed_by=current) if before == RS.REGISTERED \
        else []
    current.waiting_position = 0
    return current
