"""What fairs and matching events produced, and what contests decided: the banks present, the intentions
signed there (意向金额), the guaranteed loans of attendees that resulted; the rounds, the judges' scores and
the awards. Every write here, atomic and audited; each is recorded once the event is held, until it is closed."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from entrepreneurship.models import CooperatingBank, Loan
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from startup_events import rules, selectors
from startup_events.models import (
    Award,
    AwardLevel,
    ContestRound,
    Event,
    EventBank,
    EventLoan,
    EventStatus,
    Intention,
    Registration,
    Score,
)
from startup_events.services.events import require_manage


def _amount(value, *, field: str, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount in yuan with at most 2 decimals.")]}) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    return amount


def _locked_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _require_finance_event(event: Event) -> None:
    if not event.is_finance:
        raise ApplicationError(_("Banks, intentions and loans belong to financing fairs and matching events."),
                               code="type")


def _require_contest(event: Event) -> None:
    if not event.is_contest:
        raise ApplicationError(_("Rounds, scores and awards belong to contests."), code="type")


def _require_held(event: Event) -> None:
    if not rules.outcomes_open(event.status):
        raise ApplicationError(_("Outcomes are recorded once the event is held, until it is closed."),
                               code="status")


def _require_attended(registration: Registration) -> None:
    if not registration.attended:
        raise ApplicationError(_("%(name)s did not attend: record the attendance first.")
                               % {"name": registration.name}, code="not_attended")


@transaction.atomic
def event_bank_add(*, event: Event, bank: CooperatingBank, actor) -> EventBank:
    """A cooperating bank takes part in a fair or matching event (before or at the event)."""
    event = _locked_event(event.pk)
    require_manage(actor, event)
    _require_finance_event(event)
    if event.status not in (EventStatus.DRAFT, EventStatus.OPEN, EventStatus.HELD):
        raise ApplicationError(_("The event is closed."), code="status")
    link, created = EventBank.objects.get_or_create(event=event, bank=bank)
    if created:
        audit_log(actor=actor, event_type="startup_events.bank.add", obj=event, details={"bank": bank.code})
    return link


@transaction.atomic
def intention_record(*, registration: Registration, bank: CooperatingBank, amount, actor) -> Intention:
    """A financing intention signed at the event between an attendee and a bank present there."""
    event = _locked_event(registration.event_id)
    require_manage(actor, event)
    _require_finance_event(event)
    _require_held(event)
    registration.refresh_from_db()
    _require_attended(registration)
    if not EventBank.objects.filter(event=event, bank=bank).exists():
        raise ValidationError({"bank": [_("The bank did not take part in this event.")]})
    value = _amount(amount, field="amount")
    try:
        with transaction.atomic():
            intention = Intention.objects.create(event=event, registration=registration, bank=bank, amount=value,
                                                 recorded_by=actor)
    except IntegrityError as exc:
        raise ConflictError(_("An intention between %(name)s and this bank is already recorded.")
                            % {"name": registration.name}, code="duplicate") from exc
    audit_log(actor=actor, event_type="startup_events.intention.record", obj=event,
              details={"registration": registration.pk, "bank": bank.code, "amount": str(value)})
    return intention


@transaction.atomic
def event_loan_link(*, registration: Registration, loan: Loan, actor) -> EventLoan:
    """A guaranteed loan that resulted from the event: one of the attendee's own disbursed loans, counted for
    one event only."""
    event = _locked_event(registration.event_id)
    require_manage(actor, event)
    _require_finance_event(event)
    _require_held(event)
    registration.refresh_from_db()
    _require_attended(registration)
    if not selectors.participant_loans(registration).filter(pk=loan.pk).exists():
        raise ValidationError({"loan": [_("Choose one of the participant's own disbursed loans not yet counted "
                                          "for an event.")]})
    try:
        with transaction.atomic():
            link = EventLoan.objects.create(event=event, registration=registration, loan=loan, recorded_by=actor)
    except IntegrityError as exc:
        raise ConflictError(_("This loan is already counted for an event."), code="duplicate") from exc
    audit_log(actor=actor, event_type="startup_events.loan.link", obj=event,
              details={"registration": registration.pk, "loan": loan.ref, "principal": str(loan.principal)})
    return link


@transaction.atomic
def round_add(*, event: Event, name: str, actor) -> ContestRound:
    """A round or stage of a contest (preliminary, semi-final, final...), numbered in the order added."""
    event = _locked_event(event.pk)
    require_manage(actor, event)
    _require_contest(event)
    if event.status in (EventStatus.CLOSED, EventStatus.CANCELLED):
        raise ApplicationError(_("The event is closed."), code="status")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Required, at most %(n)d characters.") % {"n": 100}]})
    seq = (event.rounds.aggregate(top=Max("seq"))["top"] or 0) + 1
    contest_round = ContestRound.objects.create(event=event, seq=seq, name=name)
    audit_log(actor=actor, event_type="startup_events.round.add", obj=event, details={"seq": seq, "name": name})
    return contest_round


@transaction.atomic
def score_record(*, contest_round: ContestRound, registration: Registration, score, actor) -> Score:
    """A judge's score (0-100, 2 decimals) of an attending entry in a round; once per judge, entry and round."""
    event = _locked_event(contest_round.event_id)
    if actor is None or not actor.is_authenticated or actor.is_applicant or not actor.has_perm(selectors.SCORE):
        raise ForbiddenError(_("Only the contest's judges score entries."))
    if not selectors.event_scope(Event.objects.filter(pk=event.pk), user=actor).exists():
        raise ForbiddenError(_("The event is outside your area."))
    _require_contest(event)
    _require_held(event)
    if registration.event_id != event.pk:
        raise ValidationError({"registration": [_("The entry is not registered for this contest.")]})
    registration.refresh_from_db()
    _require_attended(registration)
    try:
        value = Decimal(str(score).strip())
        if not value.is_finite() or value != value.quantize(Decimal("0.01")) or not 0 <= value <= 100:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": [_("Enter a score from 0 to 100 with at most 2 decimals.")]}) from None
    try:
        with transaction.atomic():
            row = Score.objects.create(round=contest_round, registration=registration, judge=actor, score=value)
    except IntegrityError as exc:
        raise ConflictError(_("You already scored this entry in this round."), code="duplicate") from exc
    audit_log(actor=actor, event_type="startup_events.score.record", obj=event,
              details={"round": contest_round.seq, "registration": registration.pk, "score": str(value)})
    return row


@transaction.atomic
def award_grant(*, registration: Registration, level: str, bonus, actor) -> Award:
    """A prize to an attending entry of a held contest; one award per entry. The bonus is entered per award
    (no source gives Guangyuan's amounts), zero for an honour without money."""
    event = _locked_event(registration.event_id)
    require_manage(actor, event)
    _require_contest(event)
    _require_held(event)
    registration.refresh_from_db()
    _require_attended(registration)
    if level not in AwardLevel.values:
        raise ValidationError({"level": [_("Choose the prize.")]})
    value = _amount(bonus, field="bonus", allow_zero=True)
    try:
        with transaction.atomic():
            award = Award.objects.create(event=event, registration=registration, level=level, bonus=value,
                                         awarded_by=actor)
    except IntegrityError as exc:
        raise ConflictError(_("%(name)s already has an award.") % {"name": registration.name},
                            code="duplicate") from exc
    audit_log(actor=actor, event_type="startup_events.award.grant", obj=event,
              details={"registration": registration.pk, "level": level, "bonus": str(value)})
    return award
