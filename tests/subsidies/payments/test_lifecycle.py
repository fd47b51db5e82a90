"""A payment batch from building to reconciliation, and what each step refuses."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus, CaseTransition, Payment
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.notices.models import Notification
from guangyuan_jobs.registry.services import person_set_bank_account
from subsidies.models import NoticeEntry, Objection, PaymentBatch, PaymentBatchItem, PublicNotice
from subsidies.selectors_payments import payment_batch_reconciliation
from subsidies.services import payments
from subsidies.services.notices import notice_publish
from subsidies.tasks import payment_batches_settle_pending
from tests.subsidies.payments.conftest import BANK, new_account, payable_case, return_file

pytestmark = pytest.mark.django_db
UI = PaymentBatch.FundSource.UI_FUND


def build_and_export(crew, **create):
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance, **create)
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    batch = payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    return payments.payment_batch_export(batch=batch, actor=crew.finance2)


def test_batch_lifecycle_with_a_paid_and_a_failed_transfer(crew, django_capture_on_commit_callbacks):
    first = payable_case(crew, amount="1200.00")
    second = payable_case(crew, amount="800.50")
    no_account = payable_case(crew, account=False)
    other_fund = payable_case(crew, kind="PAYE")

    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert batch.status == "draft" and batch.item_count == 2 and batch.total_amount == Decimal("2000.50")
    assert set(batch.items.values_list("reference", flat=True)) == {first.ref, second.ref}
    assert [s["ref"] for s in batch.skipped] == [no_account.ref] and batch.skipped[0]["code"] == "no_account"
    assert not batch.items.filter(reference=other_fund.ref).exists()
    assert all("*" in account for account in batch.items.values_list("account_masked", flat=True))

    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    with pytest.raises(ForbiddenError) as refused:
        payments.payment_batch_approve(batch=batch, actor=crew.finance)
    assert refused.value.code == "maker_checker"
    batch = payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    batch = payments.payment_batch_export(batch=batch, actor=crew.finance2)
    assert batch.status == "exported" and batch.bank_file and len(batch.bank_file_sha256) == 64

    upload = return_file([(first.ref, "成功", ""), (second.ref, "失败", "账号不存在")])
    with django_capture_on_commit_callbacks(execute=True):
        batch = payments.payment_batch_reconcile(batch=batch, return_file=upload, actor=crew.finance3)
    batch.refresh_from_db()
    assert batch.status == "reconciled" and batch.reconciled_by == crew.finance3
    assert batch.paid_amount == Decimal("1200.00") and batch.failed_amount == Decimal("800.50")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CaseStatus.PAID and first.paid_by == crew.finance3
    assert Payment.objects.get(case=first).status == Payment.Status.PAID
    assert second.status == CaseStatus.APPROVED
    assert Payment.objects.get(case=second).status == Payment.Status.PENDING
    failed = batch.items.get(reference=second.ref)
    assert failed.status == "failed" and failed.failure_reason == "账号不存在"
    # The applicant of the failed transfer is told, with the bank's reason; the paid one is not.
    told = Notification.objects.filter(event="payment_failed")
    assert set(told.values_list("case", flat=True)) == {second.pk}
    assert all("账号不存在" in text for text in told.values_list("body", flat=True))

    report = payment_batch_reconciliation(batch)
    assert report.paid_total + report.failed_total == report.total == report.approved_total
    assert report.unlinked == () and report.anomalies == () and report.balanced
    events = set(AuditEvent.objects.filter(object_id=batch.ref).values_list("event_type", flat=True))
    assert {"subsidies.payment_batch_created", "subsidies.payment_batch_locked", "subsidies.payment_batch_approved",
            "subsidies.payment_batch_exported", "registry.reveal", "subsidies.payment_batch_return_read",
            "subsidies.payment_batch_reconciled"} <= events


def test_a_failed_payment_goes_into_a_later_batch_once_the_account_is_corrected(
        crew, django_capture_on_commit_callbacks):
    case = payable_case(crew)
    batch = build_and_export(crew)
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_batch_reconcile(batch=batch, return_file=return_file([(case.ref, "失败", "户名不符")]),
                                         actor=crew.finance3)

    with pytest.raises(ApplicationError) as nothing:
        payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert nothing.value.code == "nothing_payable"
    assert nothing.value.extra["skipped"][0]["code"] == "account_unchanged"

    person_set_bank_account(person=case.applicant_person, bank_name=BANK, account=new_account(), actor=crew.entry)
    again = build_and_export(crew)
    assert list(again.items.values_list("reference", flat=True)) == [case.ref]
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_batch_reconcile(batch=again, return_file=return_file([(case.ref, "成功", "")]),
                                         actor=crew.finance3)
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    assert CaseTransition.objects.filter(case=case, action="pay").count() == 1
    assert AuditEvent.objects.filter(event_type="case.pay", object_id=case.ref).count() == 1
    assert PaymentBatchItem.objects.filter(payment__case=case).count() == 2

    # A rerun of the settling task changes nothing.
    payments.payment_batch_settle(batch_id=again.pk)
    assert CaseTransition.objects.filter(case=case, action="pay").count() == 1


def test_only_payable_cases_of_the_fund_and_the_chosen_kinds(crew):
    plain = payable_case(crew, kind="PAYP")
    unnoticed = payable_case(crew, kind="PAYN", stage="approved")
    noticed = payable_case(crew, kind="PAYN")
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance, kinds=["PAYN"])
    assert list(batch.items.values_list("reference", flat=True)) == [noticed.ref]
    assert batch.kinds == ["PAYN"]
    rest = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert list(rest.items.values_list("reference", flat=True)) == [plain.ref]
    assert unnoticed.ref not in str(rest.skipped)
    with pytest.raises(ApplicationError) as foreign:
        payments.payment_batch_create(fund_source=UI, actor=crew.finance, kinds=["PAYE"])
    assert foreign.value.code == "kind_invalid"


def test_stale_and_out_of_order_moves_are_refused(crew):
    payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    with pytest.raises(ConflictError):
        payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    seen = batch.version
    payments.payment_batch_lock(batch=batch, actor=crew.finance)
    with pytest.raises(ConflictError) as stale:
        payments.payment_batch_lock(batch=batch, actor=crew.finance, version=seen)
    assert stale.value.code == "stale"
    with pytest.raises(ForbiddenError):
        payments.payment_batch_create(fund_source=UI, actor=crew.approver)


def test_the_public_notice_and_objections_hold_payment(crew):
    held, clear = payable_case(crew, kind="PAYN", stage="approved"), payable_case(crew, kind="PAYN", stage="approved")
    notice = notice_publish(kind="PAYN", actor=crew.approver2, case_refs=[held.ref, clear.ref])
    with pytest.raises(ApplicationError) as running:
        payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert {s["code"] for s in running.value.extra["skipped"]} == {"held"}

    PublicNotice.objects.filter(pk=notice.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    assert batch.item_count == 2
    objection = Objection.objects.create(case=held, entry=NoticeEntry.objects.get(case=held), lodger_name="张三",
                                         text="此人已就业，不应领取")
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    assert batch.item_count == 1 and batch.total_amount == clear.approved_amount
    assert batch.items.get(reference=held.ref).status == "removed"
    assert [s["ref"] for s in batch.skipped if s["code"] == "held"] == [held.ref]

    # An objection lodged after the lock stops the approval.
    Objection.objects.filter(pk=objection.pk).update(status="dismissed")
    Objection.objects.create(case=clear, entry=NoticeEntry.objects.get(case=clear), lodger_name="李四",
                             text="金额有误，请核实")
    with pytest.raises(ApplicationError) as stopped:
        payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    assert stopped.value.code == "items_not_payable"
    batch.refresh_from_db()
    assert batch.status == "locked"


def test_a_settling_task_lost_after_commit_is_resumed_by_the_sweeper(crew, django_capture_on_commit_callbacks):
    case = payable_case(crew)
    batch = build_and_export(crew)
    with django_capture_on_commit_callbacks(execute=False):  # the task never reaches the broker
        payments.payment_batch_reconcile(batch=batch, return_file=return_file([(case.ref, "成功", "")]),
                                         actor=crew.finance3)
    batch.refresh_from_db()
    case.refresh_from_db()
    assert batch.status == "reconciling" and case.status == CaseStatus.APPROVED

    assert payment_batches_settle_pending.delay().get() == 1
    batch.refresh_from_db()
    case.refresh_from_db()
    assert batch.status == "reconciled" and case.status == CaseStatus.PAID
    assert payment_batches_settle_pending.delay().get() == 0
    assert CaseTransition.objects.filter(case=case, action="pay").count() == 1
