"""Registration (capacity, one per participant, status rules), attendance, fair outcomes and their totals, and
the contest flow from rounds to awards, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from startup_events import selectors
from startup_events.models import EventStatus, Registration
from startup_events.services.events import (
    attendance_record,
    event_transition,
    registration_self,
    registration_walk_in,
)
from startup_events.services.outcomes import (
    award_grant,
    event_bank_add,
    event_loan_link,
    intention_record,
    round_add,
    score_record,
)
from tests.entrepreneurship.conftest import Crew
from tests.factories import make_id_number, make_user
from tests.startup_events.conftest import move, new_event

pytestmark = pytest.mark.django_db


def test_capacity_is_enforced_and_beyond_it_registrations_wait(team):
    event = team.open_event(capacity=2)
    registration_self(event=event, actor=team.applicant)
    registration_self(event=event, actor=team.firm)
    waiting = registration_self(event=event, actor=team.other)
    assert waiting.status == "waiting" and waiting.waiting_position == 1
    desk = registration_walk_in(event=event, actor=team.policy, id_number=make_id_number(), name="张三")
    assert desk.status == "waiting" and desk.waiting_position == 2
    assert selectors.seats_taken(event) == 2 and event.registrations.count() == 4
    assert selectors.event_totals(event).registered == 2 and selectors.event_totals(event).waiting == 2
    assert AuditEvent.objects.filter(event_type="startup_events.registration.create").count() == 4
    assert AuditEvent.objects.filter(event_type="startup_events.registration.create",
                                     details__status="waiting", details__position=2).count() == 1


def test_one_registration_per_participant_whatever_the_channel(team):
    event = team.open_event()
    registration_self(event=event, actor=team.applicant)
    with pytest.raises(ConflictError) as twice:
        registration_self(event=event, actor=team.applicant)
    assert twice.value.code == "duplicate"
    # The same person at the desk, by their ID number: still one registration.
    with pytest.raises(ConflictError):
        registration_walk_in(event=event, actor=team.policy, id_number=team.applicant.person.id_number,
                             name=team.applicant.person.name)
    assert event.registrations.count() == 1


def test_the_database_refuses_a_second_registration_of_the_same_participant(team):
    event = team.open_event()
    first = registration_self(event=event, actor=team.applicant)
    with pytest.raises(IntegrityError, match="registration_once_per_person|person_id"), transaction.atomic():
        Registration.objects.create(event=event, person=first.person, name="x", channel="desk",
                                    registered_by=team.policy)
    with pytest.raises(IntegrityError, match="registration_one_participant"), transaction.atomic():
        Registration.objects.create(event=event, person=first.person, enterprise=team.firm.enterprise, name="x",
                                    channel="desk", registered_by=team.policy)


@pytest.mark.parametrize("status_path", [(), ("hold",), ("hold", "close"), ("cancel",)],
                         ids=["draft", "held", "closed", "cancelled"])
def test_no_registration_unless_the_event_is_open(team, status_path):
    event = new_event(team.policy)
    if status_path:
        move(event, "open", team.policy)
    for action in status_path:
        move(event, action, team.policy)
    event.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        registration_walk_in(event=event, actor=team.policy, id_number=make_id_number(), name="张三")
    assert refused.value.code == "registration_closed"
    if event.status != EventStatus.DRAFT:  # a draft is not even visible to applicants
        with pytest.raises(ApplicationError):
            registration_self(event=event, actor=team.applicant)
    assert event.registrations.count() == 0


def test_status_moves_follow_the_map_and_the_version(team):
    event = new_event(team.policy)
    with pytest.raises(ApplicationError):
        event_transition(event=event, action="hold", actor=team.policy, version=event.version)
    stale = event.version
    move(event, "open", team.policy)
    event.refresh_from_db()
    with pytest.raises(ApplicationError):
        event_transition(event=event, action="open", actor=team.policy, version=stale)
    with pytest.raises(ConflictError):
        event_transition(event=event, action="hold", actor=team.policy, version=stale)
    move(event, "hold", team.policy)
    with pytest.raises(ApplicationError):  # a held event can no longer be cancelled
        move(event, "cancel", team.policy)
    with pytest.raises(ForbiddenError):
        event_transition(event=event, action="close", actor=team.auditor, version=event.version)
    with pytest.raises(ForbiddenError):  # outside the district officer's area (利州 event, 苍溪 officer)
        event_transition(event=event, action="close", actor=team.cangxi_policy, version=event.version)
    assert move(event, "close", team.policy).status == EventStatus.CLOSED


def test_walk_in_registers_people_and_enterprises_from_the_registry(team):
    event = team.open_event()
    person_reg = registration_walk_in(event=event, actor=team.policy, id_number=make_id_number(), name="王晓丽",
                                      project="核桃深加工")
    firm_reg = registration_walk_in(event=event, actor=team.policy, credit_code=team.firm.enterprise.credit_code,
                                    name="")
    assert person_reg.person.name == "王晓丽" and person_reg.channel == "desk"
    assert firm_reg.enterprise == team.firm.enterprise and firm_reg.name == team.firm.enterprise.name
    with pytest.raises(ValidationError):
        registration_walk_in(event=event, actor=team.policy, id_number="510802199001011234", name="坏号码")
    with pytest.raises(ValidationError):  # neither or both identifiers
        registration_walk_in(event=event, actor=team.policy, name="无证件")
    with pytest.raises(ForbiddenError):
        registration_walk_in(event=event, actor=team.auditor, id_number=make_id_number(), name="张三")
    with pytest.raises(ForbiddenError):
        registration_walk_in(event=event, actor=team.applicant, id_number=make_id_number(), name="张三")


def test_attendance_only_once_held_and_only_by_organisers(team):
    event = team.open_event()
    registration = registration_self(event=event, actor=team.applicant)
    with pytest.raises(ApplicationError):
        attendance_record(registration=registration, attended=True, actor=team.policy)
    move(event, "hold", team.policy)
    with pytest.raises(ForbiddenError):
        attendance_record(registration=registration, attended=True, actor=team.applicant)
    with pytest.raises(ForbiddenError):
        attendance_record(registration=registration, attended=True, actor=team.cangxi_policy)
    assert attendance_record(registration=registration, attended=True, actor=team.policy).attended
    assert selectors.event_totals(event).attended == 1
    assert not attendance_record(registration=registration, attended=False, actor=team.policy).attended
    move(event, "close", team.policy)
    with pytest.raises(ApplicationError):
        attendance_record(registration=registration, attended=True, actor=team.policy)


def test_fair_outcomes_and_their_totals():
    crew = Crew()  # banks, bank officers and borrowers of the entrepreneurship tests
    from tests.startup_events.conftest import Team

    team = Team()
    borrower_a, borrower_b, borrower_c = crew.applicant, make_user("applicant_person"), make_user("applicant_person")
    loan_a = crew.disbursed_loan(applicant=borrower_a)  # 150,000
    loan_b = crew.disbursed_loan(applicant=borrower_b, contract_no="GY-2025-002", principal="80000", amount="80000")
    loan_c = crew.disbursed_loan(applicant=borrower_c, contract_no="GY-2025-003", principal="50000", amount="50000")
    event = team.open_event(event_type="fair")
    event_bank_add(event=event, bank=crew.bank, actor=team.policy)
    event_bank_add(event=event, bank=crew.bank, actor=team.policy)  # twice: once
    regs = [registration_self(event=event, actor=u) for u in (borrower_a, borrower_b, team.other)]
    move(event, "hold", team.policy)
    for reg in regs[:2]:
        attendance_record(registration=reg, attended=True, actor=team.policy)

    intention_record(registration=regs[0], bank=crew.bank, amount="200000.00", actor=team.policy)
    intention_record(registration=regs[1], bank=crew.bank, amount="80000", actor=team.policy)
    with pytest.raises(ConflictError):  # one intention per participant and bank
        intention_record(registration=regs[0], bank=crew.bank, amount="1000", actor=team.policy)
    with pytest.raises(ValidationError):  # the other bank did not come
        intention_record(registration=regs[0], bank=crew.other_bank, amount="1000", actor=team.policy)
    with pytest.raises(ApplicationError) as absent:  # registered but did not come
        intention_record(registration=regs[2], bank=crew.bank, amount="1000", actor=team.policy)
    assert absent.value.code == "not_attended"
    for bad in ("0", "-5", "12.345", "abc"):
        with pytest.raises(ValidationError):
            intention_record(registration=regs[1], bank=crew.other_bank, amount=bad, actor=team.policy)

    assert list(selectors.participant_loans(regs[0])) == [loan_a]  # the participant's own loans only
    event_loan_link(registration=regs[0], loan=loan_a, actor=team.policy)
    event_loan_link(registration=regs[1], loan=loan_b, actor=team.policy)
    with pytest.raises(ValidationError):  # another participant's loan
        event_loan_link(registration=regs[0], loan=loan_c, actor=team.policy)
    with pytest.raises(ValidationError):  # already counted
        event_loan_link(registration=regs[0], loan=loan_a, actor=team.policy)
    assert list(selectors.participant_loans(regs[0])) == []

    totals = selectors.event_totals(event)
    assert (totals.registered, totals.attended, totals.banks) == (3, 2, 1)
    assert (totals.intentions, totals.intended_amount) == (2, Decimal("280000.00"))
    assert (totals.loans, totals.loan_amount) == (2, Decimal("230000.00"))

    # Another event cannot count the same loan again; loans are refused on salons.
    second = team.open_event(event_type="matching")
    again, reg_c = (registration_self(event=second, actor=u) for u in (borrower_a, borrower_c))
    move(second, "hold", team.policy)
    for reg in (again, reg_c):
        attendance_record(registration=reg, attended=True, actor=team.policy)
    with pytest.raises(ValidationError):
        event_loan_link(registration=again, loan=loan_a, actor=team.policy)
    event_loan_link(registration=reg_c, loan=loan_c, actor=team.policy)
    assert selectors.event_totals(second).loan_amount == Decimal("50000.00")
    salon, _regs = team.held_with([borrower_b], event_type="salon")
    with pytest.raises(ApplicationError) as wrong_type:
        event_bank_add(event=salon, bank=crew.bank, actor=team.policy)
    assert wrong_type.value.code == "type"
    move(event, "close", team.policy)
    with pytest.raises(ApplicationError):  # closed: outcomes are frozen
        intention_record(registration=regs[1], bank=crew.other_bank, amount="1", actor=team.policy)


def test_contest_rounds_scores_and_awards(team, client):
    contest, (first, second, third) = team.held_with([team.applicant, team.other, team.firm], event_type="contest",
                                                      title="中国创翼广元选拔赛")
    prelim = round_add(event=contest, name="初赛", actor=team.policy)
    final = round_add(event=contest, name="决赛", actor=team.policy)
    assert (prelim.seq, final.seq) == (1, 2)
    other_judge = make_user("judge")
    score_record(contest_round=final, registration=first, score="90.5", actor=team.judge)
    score_record(contest_round=final, registration=first, score="85", actor=other_judge)
    with pytest.raises(ConflictError):
        score_record(contest_round=final, registration=first, score="70", actor=team.judge)
    with pytest.raises(ForbiddenError):  # organisers do not score
        score_record(contest_round=final, registration=second, score="70", actor=team.policy)
    for bad in ("100.01", "-1", "abc", "80.123"):
        with pytest.raises(ValidationError):
            score_record(contest_round=final, registration=second, score=bad, actor=team.judge)
    table = {row["registration"].pk: row["cells"] for row in selectors.score_table(contest)}
    assert table[first.pk][0] is None
    assert table[first.pk][1]["avg"] == Decimal("87.75") and table[first.pk][1]["n"] == 2

    award_grant(registration=first, level="first", bonus="20000", actor=team.policy)
    award_grant(registration=second, level="excellence", bonus="0", actor=team.policy)
    with pytest.raises(ConflictError):
        award_grant(registration=first, level="second", bonus="1000", actor=team.policy)
    with pytest.raises(ValidationError):
        award_grant(registration=third, level="grand", bonus="1000", actor=team.policy)
    with pytest.raises(ValidationError):
        award_grant(registration=third, level="third", bonus="-1", actor=team.policy)
    with pytest.raises(ForbiddenError):
        award_grant(registration=third, level="third", bonus="100", actor=team.judge)
    attendance_record(registration=third, attended=False, actor=team.policy)
    with pytest.raises(ApplicationError):
        award_grant(registration=third, level="third", bonus="100", actor=team.policy)
    assert [a.registration for a in selectors.winners(contest)] == [first, second]

    # The winners list is public once the contest is held: prizes in order, no ID numbers.
    page = client.get(f"/startup-events/{contest.ref}/winners/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index(first.name) < body.index(second.name) and "20000.00" in body
    assert team.applicant.person.id_number not in body
    move(contest, "close", team.policy)
    with pytest.raises(ApplicationError):
        award_grant(registration=third, level="third", bonus="100", actor=team.policy)
    fair, _regs = team.held_with([], event_type="fair")
    with pytest.raises(ApplicationError):
        round_add(event=fair, name="初赛", actor=team.policy)
