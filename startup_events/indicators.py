"""The managers' dashboard figures of entrepreneurship events (the 2020 report's 融资集市, 扶贫融资对接,
中国创翼, 创梦天府 and salons): events held in the period, people who attended them, and the guaranteed loans
of attendees that resulted from the fairs and matching events held in it."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from monitoring.indicators import Indicator, IndicatorQuery
from startup_events.models import Event, EventLoan, EventStatus, Registration

SECTION = "entrepreneurship"
HELD = (EventStatus.HELD, EventStatus.CLOSED)


def _held(query: IndicatorQuery):
    return Event.objects.filter(query.region_q(), query.date_q("held_on"), status__in=HELD)


def events_held(query: IndicatorQuery) -> int:
    return _held(query).count()


def attendance(query: IndicatorQuery) -> int:
    return Registration.objects.filter(event__in=_held(query), attended=True).count()


def resulting_loans_amount(query: IndicatorQuery) -> Decimal:
    return (EventLoan.objects.filter(event__in=_held(query)).aggregate(total=Sum("loan__principal"))["total"]
            or Decimal("0.00"))


def _drilldown(query: IndicatorQuery) -> str:
    params = {"year": query.start.year} if query.start.year == query.end.year else {}
    if query.region:
        params["region"] = query.region
    return reverse("startup_events:event_list") + (f"?{urlencode(params)}" if params else "")


INDICATORS = (
    Indicator("startup_events.events_held", _("Entrepreneurship events held"), SECTION, "events", events_held,
              _drilldown, order=60),
    Indicator("startup_events.attendance", _("Entrepreneurship events, attendance"), SECTION, "person_times",
              attendance, _drilldown, order=70),
    Indicator("startup_events.loans_amount", _("Guaranteed loans resulting from financing events, amount"), SECTION,
              "yuan", resulting_loans_amount, _drilldown, order=80),
)
