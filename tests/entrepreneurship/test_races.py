"""Races on PostgreSQL: two draws at once on a credit line with room for one (one is refused, the line is never
overdrawn), and two identical loan applications sent at once with the same Idempotency-Key (one application,
both answered with it)."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from entrepreneurship.models import Loan, LoanApplication, LoanStatus
from entrepreneurship.services.credit_lines import credit_line_create
from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.casework.models import Case, IdempotencyKey
from tests.entrepreneurship.conftest import Crew, act, api, application_data
from tests.entrepreneurship.test_credit_lines import line_data
from tests.factories import make_user

pytestmark = pytest.mark.postgres
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "entrepreneurship.migrations.0002_seed_loan_parameters",
         "entrepreneurship.migrations.0003_epidemic_extension_city_figures")


@pytest.fixture
def crew_pg(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
    return Crew()


def run_at_once(calls):
    barrier = threading.Barrier(len(calls), timeout=60)
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test reads them
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_draws_at_once_beyond_what_remains_one_is_refused(require_postgres, crew_pg):
    crew = crew_pg
    credit_line_create(data=line_data(), actor=crew.banker)  # 250,000.00
    loans = []
    for _ in range(2):
        loan = crew.approved_loan(make_user("applicant_person"))
        act(loan, "bank_approve", crew.banker)
        loans.append(act(loan, "guarantee_approve", crew.guarantee))

    def draw(loan, contract_no):
        def call():
            banker = User.objects.get(pk=crew.banker.pk)
            return api(banker).post("/api/v1/entrepreneurship/credit-lines/zhaohua-xinlu/draws/", {
                "loan": loan.ref, "version": loan.version, "contract_no": contract_no, "contract_date": "2025-06-15",
                "disbursed_on": "2025-06-15", "principal": "150000", "annual_rate": "3.50", "term_months": "24"},
                format="json")
        return call

    responses = run_at_once([draw(loans[0], "C1"), draw(loans[1], "C2")])
    assert sorted(r.status_code for r in responses) == [200, 400], responses
    refused = next(r for r in responses if r.status_code == 400)
    assert "100000.00" in " ".join(refused.json()["error"]["fields"]["credit_line"])
    drawn = Loan.objects.filter(credit_line__code="zhaohua-xinlu")
    assert drawn.count() == 1 and drawn.get().status == LoanStatus.REPAYING
    assert Loan.objects.filter(status=LoanStatus.GUARANTEED, credit_line__isnull=True).count() == 1


def test_two_identical_filings_at_once_with_one_key_file_one_application(require_postgres, crew_pg):
    crew = crew_pg
    body = {"loan_type": "individual", "data": application_data(crew.bank)}

    def file():
        applicant = User.objects.get(pk=crew.applicant.pk)
        return api(applicant).post("/api/v1/entrepreneurship/applications/", body, format="json",
                                   HTTP_IDEMPOTENCY_KEY="same-key-twice")

    responses = run_at_once([file, file])
    assert [r.status_code for r in responses] == [201, 201], responses
    assert responses[0].json()["ref"] == responses[1].json()["ref"]
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert Case.objects.count() == LoanApplication.objects.count() == 1
    assert IdempotencyKey.objects.filter(user=crew.applicant).count() == 1
