import datetime

import pytest
from django.utils import timezone

from guangyuan_jobs.registry.models import Region
from startup_events.models import Event
from startup_events.services.events import (
    attendance_record,
    event_create,
    event_transition,
    registration_self,
)
from tests.factories import make_user

D = datetime.date
EVENT_DAY = D(2026, 6, 18)
# An event still to come, whatever the clock says: registrations are cancelled before the event's day only.
FUTURE = timezone.localdate() + datetime.timedelta(days=30)


def new_event(actor, *, event_type="fair", capacity=50, region="510802", held_on=EVENT_DAY,
              title="融资集市") -> Event:
    return event_create(actor=actor, title=title, event_type=event_type, organiser="广元市就业创业促进中心",
                        held_on=held_on, place="利州区市民中心", region=Region.objects.get(code=region),
                        capacity=capacity)


def move(event, action, actor) -> Event:
    event.refresh_from_db()
    return event_transition(event=event, action=action, actor=actor, version=event.version)


class Team:
    def __init__(self):
        self.policy = make_user("policy")
        self.judge = make_user("judge")
        self.auditor = make_user("auditor")
        self.cangxi_policy = make_user("policy", region_code="510824")
        self.applicant = make_user("applicant_person")
        self.other = make_user("applicant_person")
        self.firm = make_user("applicant_enterprise")

    def open_event(self, **kwargs) -> Event:
        event = new_event(self.policy, **kwargs)
        return move(event, "open", self.policy)

    def held_with(self, applicants, **kwargs):
        """An event held, the given applicants registered online and present."""
        event = self.open_event(**kwargs)
        registrations = [registration_self(event=event, actor=a) for a in applicants]
        move(event, "hold", self.policy)
        for registration in registrations:
            attendance_record(registration=registration, attended=True, actor=self.policy)
        event.refresh_from_db()
        return event, [r.__class__.objects.get(pk=r.pk) for r in registrations]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return Team()
