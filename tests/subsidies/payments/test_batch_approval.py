"""Batch review and approval of subsidy claims (casework's batch jobs), picked by kind or by ticking, with a
result per case, and the approved cases flowing into a payment batch."""

from decimal import Decimal

import pytest

from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseStatus, Payment
from guangyuan_jobs.core.errors import ForbiddenError
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import person_set_bank_account
from subsidies.models import PaymentBatch
from subsidies.services import payments
from tests.factories import PersonFactory
from tests.subsidies.payments.conftest import BANK, move, new_account, payable_case

pytestmark = pytest.mark.django_db


def accepted(crew, *, kind="PAYP", missing=False):
    person = PersonFactory()
    person_set_bank_account(person=person, bank_name=BANK, account=new_account(), actor=None)
    case = casework.case_create_draft(kind=kind, actor=crew.entry, applicant_person=person,
                                      region=Region.objects.get(pk="510802"), requested_amount=Decimal("900.00"))
    case = casework.case_submit(case=case, actor=crew.entry)
    if missing:
        missing_card = [{"code": "bank_card", "label": "银行卡"}]
        return move(case, "accept_incomplete", crew.intake, data={"missing_materials": missing_card})
    return move(case, "accept", crew.intake)


def outcomes(job):
    return dict(BatchItem.objects.filter(job=job).values_list("case__ref", "reason"))


def test_review_by_kind_then_approve_by_ticking_with_a_reason_per_case(crew, client,
                                                                      django_capture_on_commit_callbacks):
    plain = [accepted(crew) for _ in range(3)]
    other_kind = accepted(crew, kind="PAYN")
    incomplete = accepted(crew, missing=True)

    # The reviewer takes every PAYP case waiting for review, by filter, from the inbox.
    client.force_login(crew.reviewer)
    inbox = client.get("/cases/", {"kind": "PAYP", "status": "accepted"}).content.decode()
    assert all(c.ref in inbox for c in [*plain, incomplete]) and other_kind.ref not in inbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/batches/start/", {"action": "review", "all_matching": "1", "kind": "PAYP",
                                                         "status": "accepted"})
    job = BatchJob.objects.get(action="review")
    assert response.status_code == 302 and job.status == "completed" and (job.total, job.applied) == (4, 4)
    other_kind.refresh_from_db()
    assert other_kind.status == CaseStatus.ACCEPTED

    # One case moves on by hand after the approval job is started; one approver reviewed another case.
    Case.objects.filter(pk=plain[1].pk).update(reviewed_by=crew.approver)
    client.force_login(crew.approver)
    refs = [c.ref for c in [*plain, incomplete]]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        client.post("/cases/batches/start/", {"action": "approve", "refs": refs, "comment": "同意"})
    move(plain[2], "approve", crew.approver2)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    job = BatchJob.objects.get(action="approve")
    assert job.status == "completed" and (job.applied, job.skipped) == (1, 3)
    assert outcomes(job) == {plain[0].ref: "", plain[1].ref: "maker_checker", plain[2].ref: "stale",
                             incomplete.ref: "materials_missing"}
    page = client.get(f"/cases/batches/{job.pk}/").content.decode()
    assert "缺" in page and plain[1].ref in page

    # A rerun does nothing twice; every approval made exactly one payment order.
    casework.batch_process(job_id=job.pk)
    assert Payment.objects.filter(case__in=[plain[0], plain[2]]).count() == 2

    batch = payments.payment_batch_create(fund_source=PaymentBatch.FundSource.UI_FUND, actor=crew.finance,
                                          kinds=["PAYP"])
    assert set(batch.items.values_list("reference", flat=True)) == {plain[0].ref, plain[2].ref}


def test_a_finance_user_cannot_batch_pay_around_the_payment_batch(crew):
    case = payable_case(crew)
    with pytest.raises(ForbiddenError):
        casework.batch_start(action="pay", actor=crew.finance, case_refs=[case.ref])
