"""Invariants PostgreSQL enforces past every service (raw SQL), and a race of the same loan action: one wins."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from entrepreneurship.models import Loan, LoanEvent, LoanStatus
from entrepreneurship.services.loans import loan_act
from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.core.errors import ConflictError
from tests.entrepreneurship.conftest import Crew

pytestmark = pytest.mark.postgres
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "entrepreneurship.migrations.0002_seed_loan_parameters")


def _sql(statement, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_refuses_a_second_confirmed_file_and_a_repeated_repayment(require_postgres, crew):
    loan = crew.disbursed_loan()
    insert_upload = ("INSERT INTO entrepreneurship_subsidyupload (id, bank_id, year, quarter, file, original_name, "
                     "sha256, status, rows_total, rows_processed, rows_good, rows_bad, rows_mismatch, subsidy_total, "
                     "bank_total, error, created_by_id, created_at) VALUES (gen_random_uuid(), %s, 2025, 3, 'f', 'f', "
                     "'x', 'confirmed', 0, 0, 0, 0, 0, 0, 0, '', %s, now())")
    _sql(insert_upload, [crew.bank.pk, crew.banker.pk])
    with pytest.raises(IntegrityError, match="subsidy_upload_one_confirmed_per_quarter"):
        _sql(insert_upload, [crew.bank.pk, crew.banker.pk])
    insert_repayment = ("INSERT INTO entrepreneurship_repayment (loan_id, paid_on, principal, interest, "
                        "bank_reference, recorded_by_id, recorded_at) "
                        "VALUES (%s, '2025-08-01', 100, 0, 'T-1', %s, now())")
    _sql(insert_repayment, [loan.pk, crew.banker.pk])
    with pytest.raises(IntegrityError, match="repayment_unique_bank_reference"):
        _sql(insert_repayment, [loan.pk, crew.banker.pk])
    with pytest.raises(IntegrityError, match="loan_outstanding_within_principal"):
        _sql("UPDATE entrepreneurship_loan SET outstanding = principal + 1 WHERE id = %s", [loan.pk])


@pytest.fixture
def reference_data(transactional_db):
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def test_ten_clicks_on_the_same_repayment_record_it_once(require_postgres, reference_data, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    crew = Crew()
    loan = crew.disbursed_loan()
    workers = 10
    barrier = threading.Barrier(workers, timeout=60)
    results, errors, lock = [], [], threading.Lock()

    def run(index):
        try:
            banker = User.objects.get(pk=crew.banker.pk)
            barrier.wait()
            moved = loan_act(loan=loan, action="repay", actor=banker, version=loan.version,
                             data={"paid_on": "2025-09-01", "principal": "1000", "bank_reference": f"T-{index}"})
            with lock:
                results.append(moved.outstanding)
        except Exception as exc:  # noqa: BLE001 - the test reads them
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1 and len(errors) == workers - 1
    assert all(isinstance(e, ConflictError) for e in errors), errors
    loan.refresh_from_db()
    assert loan.outstanding == 149000 and loan.repayments.count() == 1 and loan.status == LoanStatus.REPAYING
    assert LoanEvent.objects.filter(loan=loan, action="repay").count() == 1
    assert Loan.objects.count() == 1
