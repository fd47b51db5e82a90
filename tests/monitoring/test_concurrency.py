"""On PostgreSQL: the same return filed twice at once gives one return, and two managers moving one warning at
once move it once (threads released together)."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from guangyuan_jobs.core.errors import ConflictError
from monitoring import services
from monitoring.models import MonthlyReturn, Warning, WarningEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
MARCH = datetime.date(2026, 3, 1)


def race(count, action):
    barrier, outcomes = threading.Barrier(count), []

    def run():
        barrier.wait()
        try:
            action()
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test, named
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_concurrent_filings_and_moves_happen_once(require_postgres, enrol, clerk):
    # A transactional test flushes the data migrations' rows: regions, policy parameters, warning rules.
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
                   "monitoring.migrations.0003_seed_rules_and_parameters"):
        importlib.import_module(module).seed(apps, None)
    monitored = enrol(headcount=100)
    data = {"headcount": 70, "reductions_economic_layoff": 30, "reduction_reason": "difficulty"}
    outcomes = race(8, lambda: services.monthly_return_file(monitored=monitored, period=MARCH, data=data,
                                                            actor=clerk))
    assert outcomes == ["conflict"] * 7 + ["ok"]
    assert MonthlyReturn.objects.filter(monitored=monitored).count() == 1
    warning = Warning.objects.get(rule__code="statutory-mass-layoff")
    managers = [make_user("manager") for _ in range(8)]
    movers = iter(managers)
    lock = threading.Lock()

    def handle():
        with lock:
            manager = next(movers)
        services.warning_transition(warning=warning, action="handle", version=warning.version, note="已处置",
                                    actor=manager)

    assert race(8, handle) == ["conflict"] * 7 + ["ok"]
    assert WarningEvent.objects.filter(warning=warning, action="handle").count() == 1
