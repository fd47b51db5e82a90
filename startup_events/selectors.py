"""Reads of events, scoped to what the user may see: staff with `view_event` the events of their area (the
accounts' one scope helper), applicants every published event (not drafts) and their own registrations."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from entrepreneurship.models import Loan, LoanStatus
from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.errors import NotFoundError
from startup_events.models import AWARD_ORDER, Award, Event, EventStatus, Registration, Score

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
        registered=Count("registrations", distinct=True))
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


def own_registration(*, user, event: Event) -> Registration | None:
    if not user.is_authenticated or not user.is_applicant:
        return None
    if user.enterprise_id:
        return event.registrations.filter(enterprise_id=user.enterprise_id).first()
    if user.person_id:
        return event.registrations.filter(person_id=user.person_id).first()
    return None


def own_registrations(*, user) -> QuerySet[Registration]:
    if not user.is_authenticated or not user.is_applicant:
        return Registration.objects.none()
    own = Q(pk__in=[])
    if user.person_id:
        own |= Q(person_id=user.person_id)
    if user.enterprise_id:
        own |= Q(enterprise_id=user.enterprise_id)
    return Registration.objects.filter(own).select_related("event", "event__region").order_by("-event__held_on")


def registrations_of(event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("person", "enterprise").order_by("registered_at", "id")


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
    banks: int
    intentions: int
    intended_amount: Decimal
    loans: int
    loan_amount: Decimal


def event_totals(event: Event) -> EventTotals:
    regs = event.registrations.aggregate(registered=Count("id"), attended=Count("id", filter=Q(attended=True)))
    intentions = event.intentions.aggregate(n=Count("id"), total=Sum("amount"))
    loans = event.loans.aggregate(n=Count("id"), total=Sum("loan__principal"))
    return EventTotals(registered=regs["registered"], attended=regs["attended"], banks=event.banks.count(),
                       intentions=intentions["n"], intended_amount=intentions["total"] or Decimal("0.00"),
                       loans=loans["n"], loan_amount=loans["total"] or Decimal("0.00"))


def seats_taken(event: Event) -> int:
    return event.registrations.count()


def score_table(event: Event) -> list[dict]:
    """Per entry: the average score of each round (over the judges who scored it) and the number of scores."""
    rounds = list(event.rounds.all())
    averages = {}
    for row in (Score.objects.filter(round__event=event).values("round_id", "registration_id")
                .annotate(avg=Avg("score"), n=Count("id"))):
        averages[(row["round_id"], row["registration_id"])] = row
    table = []
    for registration in registrations_of(event):
        cells = [averages.get((r.pk, registration.pk)) for r in rounds]
        table.append({"registration": registration, "cells": cells})
    return table


def winners(event: Event) -> list[Award]:
    awards = list(Award.objects.filter(event=event).select_related("registration"))
    return sorted(awards, key=lambda a: (AWARD_ORDER.get(a.level, 99), a.registration.name))
