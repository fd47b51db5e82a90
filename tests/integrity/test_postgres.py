"""Held by PostgreSQL itself: one finding per rule and case even when screenings race, and a recovery never
recovers more than it is owed, whatever is inserted past the services."""

import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from integrity.models import Finding, RecordKind, Recovery, RiskRule
from integrity.services.screening import cases_screen
from tests.integrity.conftest import D, add_record, make_case

pytestmark = pytest.mark.postgres


def test_a_second_finding_for_the_same_rule_and_case_is_refused(require_postgres, crew):
    case = make_case(crew, kind="SBBT")
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    finding = Finding.objects.get(case=case)
    with pytest.raises(IntegrityError, match="integrity_one_finding_per_rule_case"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO integrity_finding (ref, rule_id, rule_version, case_id, severity, status, summary, evidence, "
            "trigger, reason, created_at) VALUES ('YD-X', %s, 1, %s, 'high', 'open', 'x', '{}', 'nightly', '', now())",
            [finding.rule_id, case.pk])


def test_a_recovery_cannot_be_over_recovered_by_raw_update(require_postgres, crew):
    from integrity.services.findings import finding_verify

    case = make_case(crew, kind="SBBT", status="paid", amount=Decimal("300.00"))
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    finding = Finding.objects.get(case=case)
    Finding.objects.filter(pk=finding.pk).update(verifier=crew.verifier)
    finding.refresh_from_db()
    finding_verify(finding=finding, actor=crew.verifier, reason="属实")
    recovery = Recovery.objects.get(finding=finding)
    with pytest.raises(IntegrityError, match="integrity_recovery_not_over_recovered"), transaction.atomic():
        Recovery.objects.filter(pk=recovery.pk).update(recovered=Decimal("300.01"))


@pytest.fixture
def seeded(transactional_db):
    """Regions, policy and the risk rules again: a transactional test's flush drops the data migrations' rows."""
    for name in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                 "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
                 "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
                 "integrity.migrations.0002_seed_rules_and_parameters"):
        importlib.import_module(name).seed(apps, None)


def test_racing_screenings_raise_one_finding(require_postgres, seeded):
    from tests.integrity.conftest import Crew

    crew = Crew()
    case = make_case(crew, kind="SBBT")
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    barrier = threading.Barrier(6)
    errors = []

    def screen():
        try:
            barrier.wait()
            cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=screen) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Finding.objects.filter(case=case, rule=RiskRule.objects.get(code="paid-after-death")).count() == 1
