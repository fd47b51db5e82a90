"""A roster import run end to end by a real Celery worker (PostgreSQL and Redis), as in production."""

import importlib
import time

import pytest
from django.apps import apps

from subsidies.models import RosterImport
from subsidies.services import roster as services
from tests.factories import make_user
from tests.subsidies.roster.conftest import YEAR, mixed_rows, upload, xlsx_bytes

SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "subsidies.migrations.0005_seed_direct_refund_confirmation_days")


def wait_until_done(roster_id, timeout: float = 60) -> RosterImport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        roster = RosterImport.objects.get(pk=roster_id)
        if roster.status in (RosterImport.Status.PREVIEWED, RosterImport.Status.COMPLETED, RosterImport.Status.FAILED):
            return roster
        time.sleep(0.2)
    pytest.fail(f"the roster import did not finish in {timeout} s")


def test_a_worker_previews_and_imports_a_roster(celery_worker):
    # A transactional test starts from a flushed database: the data migrations' rows come back first.
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
    entry = make_user("entry")
    preview = services.roster_import_start(file=upload(xlsx_bytes(mixed_rows())), premium_year=YEAR, dry_run=True,
                                           actor=entry)
    preview = wait_until_done(preview.pk)
    assert preview.status == RosterImport.Status.PREVIEWED, preview.error
    assert (preview.rows_eligible, preview.rows_ineligible, preview.rows_rejected) == (3, 1, 5)
    roster = wait_until_done(services.roster_import_commit(preview=preview, actor=entry).pk)
    assert roster.status == RosterImport.Status.COMPLETED, roster.error
    assert roster.rows_created == 3 and roster.refunds.count() == 3
