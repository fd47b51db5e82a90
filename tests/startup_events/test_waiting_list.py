"""Cancelling a registration before the event and the waiting list (候补): a cancelled registration stays on
record and frees its seat, the earliest waiting registration is moved up, participants reach only their own
registrations, and the pages show each participant where they stand."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from startup_events import selectors
from startup_events.models import Registration, RegistrationStatus
from startup_events.services.events import (
    attendance_record,
    registration_cancel,
    registration_self,
    registration_walk_in,
)
from tests.factories import make_id_number, make_user
from tests.startup_events.conftest import FUTURE, move

pytestmark = pytest.mark.django_db
RS = RegistrationStatus


def _fresh(registration: Registration) -> Registration:
    return selectors.with_waiting_position(Registration.objects.filter(pk=registration.pk)).get()


def test_cancel_frees_the_seat_and_moves_up_the_first_waiting(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    mine = registration_self(event=event, actor=team.applicant)
    first = registration_self(event=event, actor=team.other)
    second = registration_self(event=event, actor=team.firm)
    assert (mine.status, first.status, second.status) == (RS.REGISTERED, RS.WAITING, RS.WAITING)

    cancelled = registration_cancel(registration=mine, actor=team.applicant)

    assert [r.pk for r in cancelled.promoted] == [first.pk]
    mine.refresh_from_db()
    assert mine.status == RS.CANCELLED and mine.cancelled_by == team.applicant and mine.cancelled_at is not None
    assert Registration.objects.filter(pk=mine.pk).exists()  # kept on record
    assert _fresh(first).status == RS.REGISTERED and _fresh(first).promoted_at is not None
    assert _fresh(second).status == RS.WAITING and _fresh(second).waiting_position == 1
    assert selectors.seats_taken(event) == 1
    totals = selectors.event_totals(event)
    assert (totals.registered, totals.waiting, totals.cancelled) == (1, 1, 1)
    cancel_audit = AuditEvent.objects.get(event_type="startup_events.registration.cancel")
    assert cancel_audit.details["registration"] == mine.pk and cancel_audit.details["by"] == "participant"
    promote_audit = AuditEvent.objects.get(event_type="startup_events.registration.promote")
    assert promote_audit.details["registration"] == first.pk and promote_audit.details["freed_by"] == mine.pk


def test_waiting_positions_follow_the_order_of_registration(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    registration_self(event=event, actor=team.applicant)
    queue = [registration_self(event=event, actor=team.other), registration_self(event=event, actor=team.firm),
             registration_walk_in(event=event, actor=team.policy, id_number=make_id_number(), name="王晓丽")]
    assert [r.waiting_position for r in queue] == [1, 2, 3]
    # Leaving the waiting list frees no seat: nobody is moved up, the ones behind move forward.
    cancelled = registration_cancel(registration=queue[0], actor=team.other)
    assert cancelled.promoted == []
    assert [_fresh(r).waiting_position for r in queue] == [0, 1, 2]
    assert selectors.seats_taken(event) == 1
    assert not AuditEvent.objects.filter(event_type="startup_events.registration.promote").exists()


def test_a_participant_cannot_cancel_another_s_registration(team, client):
    event = team.open_event(capacity=5, held_on=FUTURE)
    theirs = registration_self(event=event, actor=team.applicant)
    with pytest.raises(ForbiddenError):
        registration_cancel(registration=theirs, actor=team.other)
    with pytest.raises(ForbiddenError):
        registration_cancel(registration=theirs, actor=team.firm)
    with pytest.raises(ForbiddenError):  # staff who only see events
        registration_cancel(registration=theirs, actor=team.auditor)
    with pytest.raises(ForbiddenError):  # an organiser of another district
        registration_cancel(registration=theirs, actor=team.cangxi_policy)
    client.force_login(team.other)
    assert client.post(f"/startup-events/{event.ref}/registrations/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RS.REGISTERED and theirs.cancelled_at is None
    # The organiser of the event may cancel it.
    registration_cancel(registration=theirs, actor=team.policy)
    theirs.refresh_from_db()
    assert theirs.status == RS.CANCELLED and theirs.cancelled_by == team.policy
    assert AuditEvent.objects.get(event_type="startup_events.registration.cancel").details["by"] == "staff"


def test_cancel_after_the_event_is_held_is_refused_with_a_clear_message(team, client):
    event = team.open_event(capacity=5, held_on=FUTURE)
    mine = registration_self(event=event, actor=team.applicant)
    move(event, "hold", team.policy)
    with pytest.raises(ApplicationError) as refused:
        registration_cancel(registration=mine, actor=team.policy)
    assert refused.value.code == "cancellation_closed"
    client.force_login(team.applicant)
    page = client.get(f"/startup-events/{event.ref}/").content.decode()
    assert 'data-testid="cancel-mine"' not in page
    response = client.post(f"/startup-events/{event.ref}/registrations/{mine.pk}/cancel/")
    assert response.status_code == 400
    assert "活动已经举办，不能再取消报名。" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == RS.REGISTERED and mine.cancelled_at is None


def test_cancel_on_the_day_of_the_event_is_refused(team):
    event = team.open_event(capacity=5, held_on=timezone.localdate())
    mine = registration_self(event=event, actor=team.applicant)
    with pytest.raises(ApplicationError) as refused:
        registration_cancel(registration=mine, actor=team.applicant)
    assert refused.value.code == "cancellation_closed"


def test_registering_again_after_cancelling(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    first = registration_self(event=event, actor=team.applicant)
    firm = registration_self(event=event, actor=team.firm)
    registration_cancel(registration=first, actor=team.applicant)  # the firm, waiting, takes the seat
    again = registration_self(event=event, actor=team.applicant)
    assert again.pk != first.pk and again.status == RS.WAITING and again.waiting_position == 1
    assert _fresh(firm).status == RS.REGISTERED
    # Twice live is still refused, by the service and by the database.
    with pytest.raises(ConflictError):
        registration_self(event=event, actor=team.applicant)
    with pytest.raises(IntegrityError, match="registration_once_per_person|person_id"), transaction.atomic():
        Registration.objects.create(event=event, person=first.person, name="x", channel="desk",
                                    registered_by=team.policy)
    # An enterprise too: cancel, then register again.
    registration_cancel(registration=firm, actor=team.firm)
    assert _fresh(again).status == RS.REGISTERED
    back = registration_self(event=event, actor=team.firm)
    assert back.status == RS.WAITING
    assert event.registrations.filter(enterprise=team.firm.enterprise).count() == 2
    with pytest.raises(ConflictError) as twice:
        registration_cancel(registration=firm, actor=team.firm)
    assert twice.value.code == "already_cancelled"


def test_waiting_and_cancelled_registrations_take_no_attendance(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    seated = registration_self(event=event, actor=team.applicant)
    waiting = registration_self(event=event, actor=team.other)
    move(event, "hold", team.policy)
    with pytest.raises(ApplicationError) as refused:
        attendance_record(registration=waiting, attended=True, actor=team.policy)
    assert refused.value.code == "not_registered"
    attendance_record(registration=seated, attended=True, actor=team.policy)
    assert selectors.event_totals(event).attended == 1
    # The database agrees: only a registered participant attends.
    with pytest.raises(IntegrityError, match="registration_attended_only_if_registered"), transaction.atomic():
        Registration.objects.filter(pk=waiting.pk).update(attended=True)


def test_participant_pages_show_their_status_and_cancel(team, client):
    event = team.open_event(title="冬季融资集市", capacity=1, held_on=FUTURE)
    registration_self(event=event, actor=team.applicant)
    client.force_login(team.other)
    joined = client.post(f"/startup-events/{event.ref}/register/", follow=True).content.decode()
    assert "您已进入候补名单，排第 1 位" in joined
    waiting = event.registrations.get(person=team.other.person)
    listed = client.get("/startup-events/").content.decode()
    assert f'data-testid="my-status-{waiting.pk}"' in listed and "候补 第 1 位" in listed

    client.force_login(team.applicant)
    page = client.get(f"/startup-events/{event.ref}/").content.decode()
    assert 'data-testid="registered"' in page and 'data-testid="cancel-mine"' in page
    mine = event.registrations.get(person=team.applicant.person)
    assert f'action="/startup-events/{event.ref}/registrations/{mine.pk}/cancel/"' in page
    assert "csrfmiddlewaretoken" in page
    assert client.get(f"/startup-events/{event.ref}/registrations/{mine.pk}/cancel/").status_code == 405
    done = client.post(f"/startup-events/{event.ref}/registrations/{mine.pk}/cancel/", follow=True)
    body = done.content.decode()
    assert "已取消" in body and 'data-testid="cancelled"' in body and 'data-testid="register"' in body
    assert "候补递补" not in body  # an applicant is never told who was moved up

    client.force_login(team.other)
    promoted = client.get(f"/startup-events/{event.ref}/").content.decode()
    assert 'data-testid="registered"' in promoted and 'data-testid="promoted"' in promoted
    assert "从候补名单递补为正式报名" in promoted


def test_staff_filter_the_participants_by_status_and_cancel_one(team, client):
    event = team.open_event(capacity=1, held_on=FUTURE)
    seated = registration_self(event=event, actor=team.applicant)
    waiting = registration_self(event=event, actor=team.other)
    client.force_login(team.policy)
    everyone = client.get(f"/startup-events/{event.ref}/")
    assert list(everyone.context["page_obj"]) == [seated, waiting]
    assert 'data-testid="registration-filter"' in everyone.content.decode()
    only_waiting = client.get(f"/startup-events/{event.ref}/?status=waiting")
    assert list(only_waiting.context["page_obj"]) == [waiting]
    assert list(client.get(f"/startup-events/{event.ref}/?status=bogus").context["page_obj"]) == [seated, waiting]
    done = client.post(f"/startup-events/{event.ref}/registrations/{seated.pk}/cancel/", follow=True)
    assert done.status_code == 200 and f"候补递补：{waiting.name}" in done.content.decode()
    cancelled = client.get(f"/startup-events/{event.ref}/?status=cancelled")
    assert list(cancelled.context["page_obj"]) == [seated]
    registered = client.get(f"/startup-events/{event.ref}/?status=registered")
    assert list(registered.context["page_obj"]) == [waiting]
    # A viewer without the organiser's right may not cancel.
    client.force_login(make_user("auditor"))
    assert client.post(f"/startup-events/{event.ref}/registrations/{waiting.pk}/cancel/").status_code == 403


def test_the_event_list_counts_registered_participants_only(team, client):
    event = team.open_event(capacity=1, held_on=FUTURE + datetime.timedelta(days=1))
    seated = registration_self(event=event, actor=team.applicant)
    registration_self(event=event, actor=team.other)
    registration_cancel(registration=seated, actor=team.applicant)
    client.force_login(team.policy)
    [row] = client.get("/startup-events/").context["page_obj"]
    assert row.registered == 1


@pytest.mark.parametrize("action", ["hold", "cancel"])
def test_the_waiting_list_ends_with_registration_and_the_waiting_are_told(team, client, action):
    event = team.open_event(title="冬季融资集市", capacity=1, held_on=FUTURE)
    seated = registration_self(event=event, actor=team.applicant)
    first = registration_self(event=event, actor=team.other)
    second = registration_self(event=event, actor=team.firm)

    move(event, action, team.policy)

    assert [_fresh(r).status for r in (seated, first, second)] == [RS.REGISTERED, RS.UNPLACED, RS.UNPLACED]
    moved = AuditEvent.objects.get(event_type=f"startup_events.event.{action}")
    assert moved.details["unplaced"] == 2
    totals = selectors.event_totals(event)
    assert (totals.registered, totals.waiting, totals.unplaced) == (1, 0, 2)
    with pytest.raises(ApplicationError):  # no longer on any list to leave
        registration_cancel(registration=first, actor=team.other)

    client.force_login(team.other)
    page = client.get(f"/startup-events/{event.ref}/").content.decode()
    assert 'data-testid="unplaced"' in page and "未能递补" in page
    assert 'data-testid="registered"' not in page and 'data-testid="cancel-mine"' not in page
    listed = client.get("/startup-events/").content.decode()
    assert f'data-testid="my-status-{first.pk}"' in listed and "未能递补" in listed
    client.force_login(team.policy)
    assert "报名截止时 2 人未能递补。" in client.get(f"/startup-events/{event.ref}/").content.decode()


def test_moving_a_held_event_on_leaves_its_registrations_alone(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    seated = registration_self(event=event, actor=team.applicant)
    move(event, "hold", team.policy)
    move(event, "close", team.policy)
    assert _fresh(seated).status == RS.REGISTERED
    assert "unplaced" not in AuditEvent.objects.get(event_type="startup_events.event.close").details
