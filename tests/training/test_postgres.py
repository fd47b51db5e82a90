"""The lottery's invariants held by PostgreSQL: two clerks pressing "draw" at once give one sealed draw; the
database refuses a second current draw of a package, a re-draw without a reason, a second live sign-up."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ConflictError
from tests.training.conftest import announced_session, approved_plan, frozen_package, make_institution
from training.models import Draw, DrawSession
from training.services import draws

pytestmark = pytest.mark.postgres


@pytest.fixture
def reference_data(transactional_db):
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
                   "guangyuan_jobs.policy.migrations.0004_seed_calendar",
                   "training.migrations.0002_seed_catalogue_and_parameters"):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture
def drawn_setup(require_postgres, reference_data):
    from tests.factories import make_user

    officer = make_user("training_officer")
    institutions = [make_institution(officer, name=f"广元市第{i}职业培训学校") for i in range(3)]
    package = frozen_package(officer, approved_plan(officer), institutions)
    return officer, package, announced_session(officer, [package])


def test_two_clerks_drawing_at_once_give_one_sealed_draw(drawn_setup):
    officer, package, session = drawn_setup
    barrier = threading.Barrier(4, timeout=60)
    outcomes, lock = [], threading.Lock()

    def run(numbers):
        try:
            barrier.wait()
            user = User.objects.get(pk=officer.pk)
            draws.session_draw(session=DrawSession.objects.get(pk=session.pk), public_numbers=numbers, actor=user)
            result = "ok"
        except ConflictError:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(f"{i} {i} {i}",)) for i in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert Draw.objects.filter(package=package).count() == 1
    assert AuditEvent.objects.filter(event_type="training.draw.run").count() == 1


def test_the_database_refuses_a_second_current_draw_and_a_reasonless_redraw(drawn_setup):
    officer, package, session = drawn_setup
    draws.session_draw(session=session, public_numbers="1 2 3", actor=officer)
    first = Draw.objects.get(package=package)
    insert = ("INSERT INTO training_draw (attempt, current, reason, session_id, package_id, pool_sha256, "
              "public_numbers, seed, \"order\", capped, reserves, drawn_by_id, drawn_at) "
              "VALUES (2, %s, %s, %s, %s, 'x', '[]', 'x', '[]', '[]', '[]', %s, now())")
    with pytest.raises(IntegrityError, match="draw_one_current"), transaction.atomic(), connection.cursor() as c:
        c.execute(insert, [True, "r", session.pk, package.pk, officer.pk])
    with pytest.raises(IntegrityError, match="draw_redraw_has_reason"), transaction.atomic(), \
            connection.cursor() as c:
        c.execute(insert, [False, "", session.pk, package.pk, officer.pk])
    assert Draw.objects.get(package=package) == first
