"""On PostgreSQL: the database refuses a second certificate in force and a second open application past every
service, and ten approvers deciding one application at once give one certificate and one award."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.core.errors import ConflictError
from startup_parks.models import Certificate, ParkAward
from startup_parks.services.certification import certification_decide
from tests.factories import make_user
from tests.startup_parks.conftest import Crew

pytestmark = pytest.mark.postgres
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar")


def _sql(statement, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_refuses_a_second_active_certificate_and_a_second_open_application(require_postgres, crew):
    application = crew.evaluated()
    certification_decide(application=application, decision="certified", version=application.version,
                         actor=crew.approver)
    certificate = Certificate.objects.get()
    reevaluation = crew.apply(application.park)  # an open re-evaluation
    with pytest.raises(IntegrityError, match="park_one_active_certificate"):
        _sql("INSERT INTO startup_parks_certificate (number, park_id, application_id, level, valid_from, valid_to, "
             "status, ended_reason, issued_by_id, issued_at) SELECT 'X-1', park_id, id, 'city', now(), now(), "
             "'active', '', %s, now() FROM startup_parks_certificationapplication WHERE id = %s",
             [crew.approver.pk, reevaluation.pk])
    with pytest.raises(IntegrityError, match="park_one_open_application"):
        _sql("INSERT INTO startup_parks_certificationapplication (ref, park_id, purpose, status, criteria, pass_mark, "
             "parameters, note, submitted_by_id, submitted_at, decision_reason, version) VALUES ('R-1', %s, "
             "'reevaluation', 'submitted', '[]', 70, '{}', '', %s, now(), '', 1)", [application.park_id,
                                                                                  crew.operator.pk])
    assert certificate.status == "active"


@pytest.fixture
def reference_data(transactional_db):
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
    importlib.import_module("startup_parks.migrations.0001_park_tables").seed_parameters(apps, None)


def test_ten_approvers_deciding_at_once_give_one_certificate(require_postgres, reference_data, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    crew = Crew()
    application = crew.evaluated()
    approvers = [make_user("approver") for _ in range(10)]
    barrier = threading.Barrier(len(approvers), timeout=60)
    results, errors, lock = [], [], threading.Lock()

    def run(pk):
        try:
            actor = User.objects.get(pk=pk)
            barrier.wait()
            decided = certification_decide(application=application, decision="certified",
                                           version=application.version, actor=actor)
            with lock:
                results.append(decided.status)
        except Exception as exc:  # noqa: BLE001 - the test reads them
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a.pk,)) for a in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["certified"] and len(errors) == 9
    assert all(isinstance(e, ConflictError) for e in errors), errors
    assert Certificate.objects.count() == 1 and ParkAward.objects.count() == 1
