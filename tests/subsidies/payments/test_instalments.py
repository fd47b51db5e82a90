"""失业补助金 paid month by month through the payment batches: each month due becomes a transfer of its own,
a failed month returns once the account is corrected, a stop takes the later months out, the case is paid
when no month is left, no month is ever paid twice, and every batch reconciles."""

import datetime
from decimal import Decimal

import pytest

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.registry.services import person_set_bank_account
from subsidies.models import PaymentBatch, SubsidyInstalment
from subsidies.selectors_payments import payment_batch_reconciliation, payments_waiting_for
from subsidies.services import claims as claim_services
from subsidies.services import payments
from tests.subsidies.claims.conftest import Crew as ClaimCrew
from tests.subsidies.claims.conftest import advance, file_claim, move
from tests.subsidies.payments.conftest import BANK, new_account, return_file

pytestmark = pytest.mark.django_db
UI = PaymentBatch.FundSource.UI_FUND
D = datetime.date
MONTH = Decimal("848.00")  # 80 % of the seeded 1060 yuan standard; April to September 2020


class Crew(ClaimCrew):
    def __init__(self):
        super().__init__()
        from tests.factories import make_user

        self.finance2 = make_user("finance")
        self.finance3 = make_user("finance")


@pytest.fixture
def crew(db):
    return Crew()


def on(monkeypatch, day: datetime.date):
    monkeypatch.setattr(payments, "today", lambda: day)


def monthly_case(crew):
    """A 失业补助金 claim (unemployed since 2020-04-15: six months, April to September), approved and
    publicized, the person's bank account on record."""
    person_set_bank_account(person=crew.person.person, bank_name=BANK, account=new_account(), actor=None)
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    return move(case, "publicize", crew.approver2)


def pay_batch(crew, results=None, capture=None):
    """Build, lock, approve, export and reconcile a UI-fund batch; `results` maps a reference to a failure
    reason (absent: paid)."""
    results = results or {}
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    batch = payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    batch = payments.payment_batch_export(batch=batch, actor=crew.finance2)
    rows = [(ref, "失败" if ref in results else "成功", results.get(ref, ""))
            for ref in batch.items.filter(status="included").values_list("reference", flat=True)]
    with capture(execute=True):
        payments.payment_batch_reconcile(batch=batch, return_file=return_file(rows), actor=crew.finance3)
    batch.refresh_from_db()
    return batch


def statuses(case):
    return {f"{m:%Y-%m}": s for m, s in SubsidyInstalment.objects.filter(case=case).values_list("month", "status")}


def test_months_are_paid_batch_by_batch_as_they_fall_due(crew, monkeypatch, django_capture_on_commit_callbacks):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 5, 20))
    waiting = payments_waiting_for(user=crew.finance, fund_source=UI)
    assert [(w.kind, w.count, w.amount) for w in waiting] == [("SYBZJ", 2, 2 * MONTH)]

    first = pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert sorted(first.items.values_list("reference", flat=True)) == [f"{case.ref}-202004", f"{case.ref}-202005"]
    assert first.status == "reconciled" and first.paid_amount == first.total_amount == 2 * MONTH
    assert payment_batch_reconciliation(first).balanced
    assert statuses(case) == {"2020-04": "paid", "2020-05": "paid", "2020-06": "scheduled",
                              "2020-07": "scheduled", "2020-08": "scheduled", "2020-09": "scheduled"}
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLICIZED and Payment.objects.get(case=case).status == "pending"

    # Nothing more is due in May: no month is taken twice.
    with pytest.raises(ApplicationError) as info:
        payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert info.value.code == "nothing_payable"

    on(monkeypatch, D(2020, 6, 3))
    second = pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert list(second.items.values_list("reference", flat=True)) == [f"{case.ref}-202006"]
    assert second.total_amount == MONTH and payment_batch_reconciliation(second).balanced

    on(monkeypatch, D(2020, 12, 1))
    last = pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert last.item_count == 3 and last.total_amount == 3 * MONTH
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID and case.paid_by == crew.finance3
    payment = Payment.objects.get(case=case)
    assert payment.status == "paid" and payment.amount == 6 * MONTH == case.approved_amount
    assert set(statuses(case).values()) == {"paid"}


def test_casework_cannot_pay_a_monthly_subsidy_whole(crew):
    case = monthly_case(crew)
    with pytest.raises(ApplicationError) as info:
        move(case, "pay", crew.finance)
    assert info.value.code == "payment_held" and "6" in str(info.value.message)


def test_a_failed_month_returns_once_the_account_is_corrected(crew, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 4, 30))
    first = pay_batch(crew, {f"{case.ref}-202004": "户名与账号不符"}, capture=django_capture_on_commit_callbacks)
    assert first.failed_amount == MONTH and first.paid_amount == 0 and payment_batch_reconciliation(first).balanced
    assert statuses(case)["2020-04"] == "scheduled"

    on(monkeypatch, D(2020, 5, 2))
    held = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert list(held.items.values_list("reference", flat=True)) == [f"{case.ref}-202005"]
    assert [(s["ref"], s["code"]) for s in held.skipped] == [(case.ref, "account_unchanged")]
    payments.payment_batch_cancel(batch=held, actor=crew.finance, reason="账号待更正")

    person_set_bank_account(person=crew.person.person, bank_name=BANK, account=new_account(), actor=None)
    again = pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert sorted(again.items.values_list("reference", flat=True)) == [f"{case.ref}-202004", f"{case.ref}-202005"]
    assert statuses(case)["2020-04"] == statuses(case)["2020-05"] == "paid"


def test_a_stop_takes_the_later_months_out_and_the_case_is_paid_for_the_months_paid(
        crew, monkeypatch, django_capture_on_commit_callbacks):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 6, 10))
    draft = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert draft.item_count == 3  # April, May, June
    payments.payment_batch_cancel(batch=draft, actor=crew.finance, reason="重新组批")

    # Re-employed on 10 July: July is paid, August and September are not.
    claim_services.instalments_stop(case=case, on=D(2020, 7, 10), reason="reemployed", actor=crew.reviewer)
    on(monkeypatch, D(2020, 10, 5))
    batch = pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert sorted(batch.items.values_list("reference", flat=True)) == [
        f"{case.ref}-2020{m:02d}" for m in (4, 5, 6, 7)]
    assert payment_batch_reconciliation(batch).balanced
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    payment = Payment.objects.get(case=case)
    assert payment.status == "paid" and payment.amount == 4 * MONTH and case.approved_amount == 6 * MONTH
    cut = AuditEvent.objects.get(event_type="subsidies.payment_order_cut", object_id=case.ref)
    assert cut.details["paid"] == str(4 * MONTH)


def test_a_month_stopped_while_in_a_draft_batch_is_taken_out_at_locking(crew, monkeypatch):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 9, 15))
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert batch.item_count == 6
    claim_services.instalments_stop(case=case, on=D(2020, 7, 31), reason="ui_benefit", actor=crew.reviewer)
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    assert batch.item_count == 4 and batch.total_amount == 4 * MONTH
    removed = batch.items.filter(status="removed")
    assert sorted(removed.values_list("reference", flat=True)) == [f"{case.ref}-202008", f"{case.ref}-202009"]
    assert {s["code"] for s in batch.skipped} == {"stopped"}
    assert payment_batch_reconciliation(batch).amounts_agree


def test_a_stop_after_the_last_paid_month_closes_the_case_at_the_next_batch(
        crew, monkeypatch, django_capture_on_commit_callbacks):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 5, 5))
    pay_batch(crew, capture=django_capture_on_commit_callbacks)  # April and May
    claim_services.instalments_stop(case=case, on=D(2020, 5, 20), reason="reemployed", actor=crew.reviewer)
    on(monkeypatch, D(2020, 7, 1))
    with pytest.raises(ApplicationError):  # nothing left to pay ...
        payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    case.refresh_from_db()  # ... but the case is closed as paid, for the two months paid
    assert case.status == CaseStatus.PAID
    assert Payment.objects.get(case=case).amount == 2 * MONTH


def test_the_months_must_add_up_to_the_approved_amount(crew, monkeypatch):
    case = monthly_case(crew)
    on(monkeypatch, D(2020, 4, 1))
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    SubsidyInstalment.objects.filter(case=case, month=D(2020, 9, 1)).update(amount=Decimal("900.00"))
    assert not payment_batch_reconciliation(batch).amounts_agree
    with pytest.raises(ApplicationError) as info:
        payments.payment_batch_lock(batch=batch, actor=crew.finance)
    assert info.value.code == "totals_mismatch"
