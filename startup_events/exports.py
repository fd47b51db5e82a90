"""The events reports, registered with `reports` (streamed .xlsx via Celery, formulas neutralised):

- events by type and district: events, registrations, attendance, intentions signed and the guaranteed loans
  that resulted (count and amount), for a year;
- the event register: one row per event with the same figures;
- contest awards: every prize with its entry and bonus.

Every queryset starts from `event_scope` (staff see the events of their area).
"""

from django import forms
from django.db.models import CharField, Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.selectors import city_region_names
from guangyuan_jobs.reports.registry import (
    DATE,
    MONEY,
    NUMBER,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)
from startup_events.models import (
    Award,
    AwardLevel,
    Event,
    EventLoan,
    EventStatus,
    EventType,
    Intention,
    Registration,
    RegistrationStatus,
)
from startup_events.selectors import VIEW, event_scope

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def _year_choices():
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year + 1, this_year - 10, -1)]


def _type_labels():
    return dict(EventType.choices)


def _status_labels():
    return dict(EventStatus.choices)


def _level_labels():
    return dict(AwardLevel.choices)


def _region_labels():
    return city_region_names()


class EventYearForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    event_type = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["event_type"].choices = [("", _("All")), *EventType.choices]


def _count(model, **extra) -> Subquery:
    rows = model.objects.filter(event=OuterRef("pk"), **extra).order_by().values("event").annotate(n=Count("id"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def _sum(model, path: str) -> Subquery:
    rows = model.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(total=Sum(path))
    return Coalesce(Subquery(rows.values("total"), output_field=MONEY_FIELD), Value(0, output_field=MONEY_FIELD))


def _events(user, filters: dict) -> QuerySet[Event]:
    events = event_scope(Event.objects.all(), user=user).exclude(status__in=(EventStatus.DRAFT,
                                                                              EventStatus.CANCELLED))
    events = events.filter(held_on__year=int(filters["year"]))
    if filters.get("event_type"):
        events = events.filter(event_type=filters["event_type"])
    return events.annotate(
        participants=_count(Registration, status=RegistrationStatus.REGISTERED),
        attendance=_count(Registration, status=RegistrationStatus.REGISTERED, attended=True),
        intentions_n=_count(Intention), intended=_sum(Intention, "amount"),
        loans_n=_count(EventLoan), loans_amount=_sum(EventLoan, "loan__principal"))


def event_register_queryset(user, filters: dict) -> QuerySet:
    return _events(user, filters).order_by("held_on", "ref").values(
        "ref", "title", "event_type", "held_on", "region__name", "organiser", "status", "capacity", "participants",
        "attendance", "intentions_n", "intended", "loans_n", "loans_amount")


def events_by_type_and_district(user, filters: dict) -> QuerySet:
    """One row per (type, district): the per-event figures (subqueries, so no join multiplies them) summed."""
    events = _events(user, filters).annotate(district=Substr("region_id", 1, 6, output_field=CharField()))
    return (events.values("event_type", "district")
            .annotate(events=Count("id"), participants_sum=Sum("participants"), attendance_sum=Sum("attendance"),
                      intentions_n_sum=Sum("intentions_n"), intended_sum=Sum("intended", output_field=MONEY_FIELD),
                      loans_n_sum=Sum("loans_n"), loans_amount_sum=Sum("loans_amount", output_field=MONEY_FIELD))
            .order_by("event_type", "district"))


def _figures(suffix: str = "") -> tuple[Column, ...]:
    return (
        Column(_("Participants"), f"participants{suffix}", kind=NUMBER),
        Column(_("Attended"), f"attendance{suffix}", kind=NUMBER),
        Column(_("Intentions signed"), f"intentions_n{suffix}", kind=NUMBER),
        Column(_("Intended amount"), f"intended{suffix}", kind=MONEY),
        Column(_("Resulting loans"), f"loans_n{suffix}", kind=NUMBER),
        Column(_("Resulting loans, amount"), f"loans_amount{suffix}", kind=MONEY),
    )

register_report(ReportDefinition(
    code="startup_events_by_type_district",
    label=_("Entrepreneurship events by type and district"),
    description=_("Events held in the year by type and district: participants, attendance, intentions signed "
                  "and the guaranteed loans that resulted."),
    permission=VIEW,
    filter_form=EventYearForm,
    queryset=events_by_type_and_district,
    columns=(
        Column(_("Type"), "event_type", width=30, labels=_type_labels),
        Column(_("District"), "district", width=14, labels=_region_labels),
        Column(_("Events"), "events", kind=NUMBER),
        *_figures("_sum"),
    ),
))

register_report(ReportDefinition(
    code="startup_events_register",
    label=_("Entrepreneurship event register"),
    description=_("Every event of the year with its participants, attendance and outcomes."),
    permission=VIEW,
    filter_form=EventYearForm,
    queryset=event_register_queryset,
    columns=(
        Column(_("Reference"), "ref", width=18),
        Column(_("Title"), "title", width=36),
        Column(_("Type"), "event_type", width=30, labels=_type_labels),
        Column(_("Date"), "held_on", kind=DATE),
        Column(_("District"), "region__name", width=12),
        Column(_("Organiser"), "organiser", width=24),
        Column(_("Status"), "status", labels=_status_labels),
        Column(_("Capacity"), "capacity", kind=NUMBER),
        *_figures(),
    ),
))


def awards_queryset(user, filters: dict) -> QuerySet:
    events = event_scope(Event.objects.all(), user=user).filter(held_on__year=int(filters["year"]))
    return (Award.objects.filter(event__in=events).filter(~Q(event__status=EventStatus.CANCELLED))
            .order_by("event__held_on", "event__ref", "level", "id")
            .values("event__ref", "event__title", "event__held_on", "level", "registration__name",
                    "registration__project", "bonus"))


class AwardYearForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year


register_report(ReportDefinition(
    code="startup_events_awards",
    label=_("Entrepreneurship contest awards"),
    description=_("Every prize of the year's contests with its entry and bonus."),
    permission=VIEW,
    filter_form=AwardYearForm,
    queryset=awards_queryset,
    columns=(
        Column(_("Reference"), "event__ref", width=18),
        Column(_("Contest"), "event__title", width=36),
        Column(_("Date"), "event__held_on", kind=DATE),
        Column(_("Prize"), "level", labels=_level_labels),
        Column(_("Participant"), "registration__name", width=24),
        Column(_("Project"), "registration__project", width=30),
        Column(_("Bonus (yuan)"), "bonus", kind=MONEY),
    ),
))
