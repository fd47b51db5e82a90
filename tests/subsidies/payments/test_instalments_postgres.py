"""On PostgreSQL: the database refuses a month of a monthly subsidy in two live batches (a paid transfer counts
as live, so a month is never paid twice), and two finance users building batches at the same moment never
share a month."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from guangyuan_jobs.core.errors import ApplicationError
from subsidies.models import PaymentBatch, PaymentBatchItem, SubsidyInstalment
from subsidies.services import payments
from tests.factories import make_user
from tests.subsidies.claims.conftest import reference_data  # noqa: F401 - a fixture
from tests.subsidies.payments.test_concurrency import _race
from tests.subsidies.payments.test_instalments import Crew, monthly_case, on

UI = PaymentBatch.FundSource.UI_FUND
INSERT = ("INSERT INTO subsidies_paymentbatchitem (batch_id, payment_id, instalment_id, reference, amount, "
          "payee_name, bank_name, account_masked, account_hash, status, failure_reason, settle_error) "
          "VALUES (%s, %s, %s, %s, 848.00, 'x', '', 'x', '', %s, '', '')")


@pytest.mark.django_db
def test_a_month_in_two_live_batches_is_refused_by_the_database(require_postgres, monkeypatch):
    crew = Crew()
    case = monthly_case(crew)
    on(monkeypatch, datetime.date(2020, 4, 20))
    first = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    item = first.items.get()
    april = SubsidyInstalment.objects.get(case=case, month=datetime.date(2020, 4, 1))
    assert item.instalment == april
    other = PaymentBatch.objects.create(ref="BFPC-2020-TESTONLY", fund_source=UI, created_by=crew.finance)
    for status in ("included", "paid"):
        PaymentBatchItem.objects.filter(pk=item.pk).update(status=status)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT, [other.pk, item.payment_id, april.pk, f"{case.ref}-202004", "included"])
    # Failed at the bank: the same month may go into a later batch.
    PaymentBatchItem.objects.filter(pk=item.pk).update(status="failed")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT, [other.pk, item.payment_id, april.pk, f"{case.ref}-202004", "included"])
    # Two months of one case share the payment order, and both may be live at once.
    may = SubsidyInstalment.objects.get(case=case, month=datetime.date(2020, 5, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT, [other.pk, item.payment_id, may.pk, f"{case.ref}-202005", "included"])


@pytest.mark.django_db(transaction=True)
def test_two_batches_built_at_once_never_share_a_month(require_postgres, reference_data, monkeypatch):  # noqa: F811
    crew = Crew()
    cases = [monthly_case(crew)]
    for _ in range(3):
        crew.person = make_user("applicant_person")
        cases.append(monthly_case(crew))
    on(monkeypatch, datetime.date(2020, 6, 15))  # April to June due: 12 months in all
    outcomes = _race([lambda u=user: payments.payment_batch_create(fund_source=UI, actor=u)
                      for user in (crew.finance, crew.finance2)])
    built = [o for o in outcomes if isinstance(o, PaymentBatch)]
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(built) + len(refused) == 2 and built, outcomes
    live = PaymentBatchItem.objects.exclude(status__in=("failed", "removed"))
    assert live.count() == live.values("instalment").distinct().count() == 12
    assert sum(b.item_count for b in built) == 12
