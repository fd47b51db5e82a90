"""Pure rules of events: which status moves are allowed and what each status lets staff and applicants do."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from startup_events.models import EventStatus

S = EventStatus


@dataclass(frozen=True)
class EventAction:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str


ACTIONS = {
    "open": EventAction("open", _("Open for registration"), (S.DRAFT,), S.OPEN),
    "hold": EventAction("hold", _("Mark as held"), (S.OPEN,), S.HELD),
    "close": EventAction("close", _("Close"), (S.HELD,), S.CLOSED),
    "cancel": EventAction("cancel", _("Cancel"), (S.DRAFT, S.OPEN), S.CANCELLED),
}


def actions_open(status: str) -> list[EventAction]:
    return [action for action in ACTIONS.values() if status in action.sources]


def registration_open(status: str) -> bool:
    """People register while the event is open, and only then: not on a draft, held, closed or cancelled event."""
    return status == S.OPEN


def cancellation_open(status: str, *, held_on: datetime.date, today: datetime.date) -> bool:
    """A registration is cancelled before the event only: while it is open for registration and its day has not
    come (on the day the seat could no longer be given to someone waiting)."""
    return status == S.OPEN and today < held_on


def attendance_open(status: str) -> bool:
    """Attendance is taken at and after the event, until it is closed."""
    return status == S.HELD


def outcomes_open(status: str) -> bool:
    """Intentions, resulting loans, scores and awards are recorded once the event is held, until it is closed."""
    return status == S.HELD


def seats_left(*, capacity: int, taken: int) -> int:
    return max(capacity - taken, 0)
