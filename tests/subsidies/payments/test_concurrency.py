"""On PostgreSQL: the database refuses a payment in two live batches; two finance users approving one batch at
the same moment give one approval; two building batches at once never share a payment."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError
from subsidies.models import PaymentBatch, PaymentBatchItem
from subsidies.services import payments
from tests.subsidies.payments.conftest import Crew, payable_case

UI = PaymentBatch.FundSource.UI_FUND


def test_a_payment_in_two_live_batches_is_refused_by_the_database(require_postgres, crew):
    case = payable_case(crew)
    first = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    item = first.items.get()
    payable_case(crew)
    second = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    insert = ("INSERT INTO subsidies_paymentbatchitem (batch_id, payment_id, reference, amount, payee_name, bank_name,"
              " account_masked, account_hash, status, failure_reason, settle_error) "
              "VALUES (%s, %s, %s, %s, 'x', '', 'x', '', %s, '', '')")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [second.pk, item.payment_id, case.ref, Decimal("1.00"), "included"])
    # Once the first transfer failed, the same payment may go into a later batch.
    PaymentBatchItem.objects.filter(pk=item.pk).update(status="failed")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [second.pk, item.payment_id, case.ref, Decimal("1.00"), "included"])


def _race(workers):
    """Run each callable in its own thread and database connection, released together; return the outcomes."""
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_finance_users_approving_one_batch_at_once_give_one_approval(require_postgres, reference_data):
    crew = Crew()
    payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    approvers = (crew.finance2, crew.finance3)
    outcomes = _race([lambda u=user: payments.payment_batch_approve(batch=batch, actor=u, version=batch.version)
                      for user in approvers])
    approved = [o for o in outcomes if isinstance(o, PaymentBatch)]
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(approved) == 1 and len(conflicts) == 1, outcomes
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.version == 3 and batch.approved_by == approved[0].approved_by
    assert AuditEvent.objects.filter(event_type="subsidies.payment_batch_approved", object_id=batch.ref).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_batches_built_at_once_never_share_a_payment(require_postgres, reference_data):
    crew = Crew()
    for _ in range(5):
        payable_case(crew)
    outcomes = _race([lambda u=user: payments.payment_batch_create(fund_source=UI, actor=u)
                      for user in (crew.finance, crew.finance2)])
    built = [o for o in outcomes if isinstance(o, PaymentBatch)]
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(built) + len(refused) == 2 and built, outcomes
    live = PaymentBatchItem.objects.exclude(status__in=("failed", "removed"))
    assert live.count() == live.values("payment").distinct().count() == 5

