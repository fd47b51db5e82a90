"""Reads of events, scoped to what the user may see: staff with `view_event` the events of their area (the
accounts' one scope helper), applicants every published event (not drafts) and their own registrations."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from entrepreneurship.models import Loan, LoanStatus
from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.errors import NotFoundError
from startup_events.models import (
    AWARD_ORDER,
    Award,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Score,
)

VIEW = "startup_events.view_event"
MANAGE = "startup_events.manage_event"
SCORE = "startup_events.score_contest"
PUBLISHED = (EventStatus.OPEN, EventStatus.HELD, EventStatus.CLOSED, EventStatus.CANCELLED)


def may_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_applicant or user.has_perm(VIEW)))


def event_scope(queryset: QuerySet, *, user) -> QuerySet:
    if not may_view(user):
        return queryset.none()
    if user.is_applicant:
        return queryset.filter(status__in=PUBLISHED)
    return scope_queryset(queryset, user=user, region_field="region")


def event_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Event]:
    filters = filters or {}
    qs = event_scope(Event.objects.select_related("region"), user=user).annotate(
        registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED),
                         distinct=True))
    if filters.get("event_type"):
        qs = qs.filter(event_type=filters["event_type"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=str(filters["region"])[:6])
    if filters.get("year"):
        qs = qs.filter(held_on__year=int(filters["year"]))
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(title__icontains=q) | Q(ref__icontains=q) | Q(organiser__icontains=q))
    return qs.order_by("-held_on", "-id")


def event_get_for(*, user, ref: str) -> Event:
    event = event_scope(Event.objects.select_related("region"), user=user).filter(ref=ref).first()
    if event is None:
        raise NotFoundError()
    return event


def with_waiting_position(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotates `waiting_position`: 1 for the earliest waiting registration of its event, and so on (the order
    in which seats are given); 0 for a registration that is not waiting."""
    ahead = (Registration.objects.filter(event=OuterRef("event"), status=RegistrationStatus.WAITING)
             .filter(Q(registered_at__lt=OuterRef("registered_at"))
                     | Q(registered_at=OuterRef("registered_at"), pk__lt=OuterRef("pk")))
             .order_by().values("event").annotate(n=Count("id")).values("n"))
    return queryset.annotate(waiting_position=Case(
        When(status=RegistrationStatus.WAITING,
             then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1),
        default=Value(0), output_field=IntegerField()))


def waiting_position(registration: Registration) -> int:
    """The place of a waiting registration in its event's queue (1 = next to get a seat); 0 if not waiting."""
    return with_waiting_position(Registration.objects.filter(pk=registration.pk)).values_list(
        "waiting_position", flat=True).first() or 0


def _own_q(user) -> Q:
    own = Q(pk__in=[])
    if user.person_id:
        own |= Q(person_id=user.person_id)
    if user.enterprise_id:
        own |= Q(enterprise_id=user.enterprise_id)
    return own


def is_own(*, user, registration: Registration) -> bool:
    """Whether the applicant is the registration's participant (the person, or the enterprise's account)."""
    if not user.is_authenticated or not user.is_applicant:
        return False
    return bool((user.person_id and registration.person_id == user.person_id)
                or (user.enterprise_id and registration.enterprise_id == user.enterprise_id))


def own_registration(*, user, event: Event) -> Registration | None:
    """The applicant's registration for the event: the live one, or else the last one they cancelled."""
    if not user.is_authenticated or not user.is_applicant:
        return None
    if user.enterprise_id:
        mine = event.registrations.filter(enterprise_id=user.enterprise_id)
    elif user.person_id:
        mine = event.registrations.filter(person_id=user.person_id)
    else:
        return None
    mine = with_waiting_position(mine.select_related("award"))
    return (mine.exclude(status=RegistrationStatus.CANCELLED).first()
            or mine.order_by("-cancelled_at", "-id").first())


def own_registrations(*, user) -> QuerySet[Registration]:
    if not user.is_authenticated or not user.is_applicant:
        return Registration.objects.none()
    return with_waiting_position(Registration.objects.filter(_own_q(user))).select_related(
        "event", "event__region").order_by("-event__held_on", "-registered_at", "-id")


def registration_get_for(*, user, event: Event, pk) -> Registration:
    """A registration of the event as the user may reach it: staff (who see the event) any, an applicant their
    own only."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    registrations = event.registrations.filter(pk=pk)
    if user.is_applicant:
        registrations = registrations.filter(_own_q(user))
    registration = registrations.first()
    if registration is None:
        raise NotFoundError()
    return registration


def registrations_of(event: Event, *, status: str | None = None) -> QuerySet[Registration]:
    """The event's registrations in the order they came; `status` keeps one status (registered, waiting,
    cancelled)."""
    registrations = event.registrations.select_related("person", "enterprise", "cancelled_by")
    if status:
        registrations = registrations.filter(status=status)
    return with_waiting_position(registrations).order_by("registered_at", "id")


def participant_loans(registration: Registration) -> QuerySet[Loan]:
    """The participant's own disbursed guaranteed loans not yet counted for an event: what staff may link."""
    loans = Loan.objects.filter(person_id=registration.person_id) if registration.person_id else \
        Loan.objects.filter(enterprise_id=registration.enterprise_id)
    return (loans.exclude(status=LoanStatus.DECLINED).filter(principal__isnull=False, event_link__isnull=True)
            .select_related("bank").order_by("-contract_date"))


@dataclass(frozen=True)
class EventTotals:
    registered: int
    attended: int
    waiting: int
    cancelled: int
    unplaced: int
    banks: int
    intentions: int
    intended_amount: Decimal
    loans: int
    loan_amount: Decimal


def event_totals(event: Event) -> EventTotals:
    status = RegistrationStatus
    regs = event.registrations.aggregate(
        registered=Count("id", filter=Q(status=status.REGISTERED)),
        attended=Count("id", filter=Q(status=status.REGISTERED, attended=True)),
        waiting=Count("id", filter=Q(status=status.WAITING)),
        cancelled=Count("id", filter=Q(status=status.CANCELLED)),
        unplaced=Count("id", filter=Q(status=status.UNPLACED)))
    intentions = event.intentions.aggregate(n=Count("id"), total=Sum("amount"))
    loans = event.loans.aggregate(n=Count("id"), total=Sum("loan__principal"))
    return EventTotals(registered=regs["registered"], attended=regs["attended"], waiting=regs["waiting"],
                       cancelled=regs["cancelled"], unplaced=regs["unplaced"], banks=event.banks.count(),
                       intentions=intentions["n"], intended_amount=intentions["total"] or Decimal("0.00"),
                       loans=loans["n"], loan_amount=loans["total"] or Decimal("0.00"))


def seats_taken(event: Event) -> int:
    """Seats are held by registered participants only: the waiting list and cancellations take none."""
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def first_waiting(event: Event) -> Registration | None:
    return event.registrations.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "id").first()


def score_table(event: Event) -> list[dict]:
    """Per entry: the average score of each round (over the judges who scored it) and the number of scores."""
    rounds = list(event.rounds.all())
    averages = {}
    for row in (Score.objects.filter(round__event=event).values("round_id", "registration_id")
                .annotate(avg=Avg("score"), n=Count("id"))):
        averages[(row["round_id"], row["registration_id"])] = row
    table = []
    for registration in registrations_of(event, status=RegistrationStatus.REGISTERED):
        cells = [averages.get((r.pk, registration.pk)) for r in rounds]
        table.append({"registration": registration, "cells": cells})
    return table


def winners(event: Event) -> list[Award]:
    awards = list(Award.objects.filter(event=event).select_related("registration"))
    return sorted(awards, key=lambda a: (AWARD_ORDER.get(a.level, 99), a.registration.name))
