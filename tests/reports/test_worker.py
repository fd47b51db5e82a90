"""The export end to end on a real Celery worker (Redis broker, PostgreSQL shared with this process)."""

import time

import pytest

from tests.reports.conftest import data_rows, download_bytes, make_case, open_xlsx

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def regions(transactional_db):
    """A transactional test that ran before flushed every table, the regions seeded by migration included."""
    from guangyuan_jobs.registry.models import Region

    province, _ = Region.objects.get_or_create(code="510000", defaults={"name": "四川省", "level": "province"})
    city, _ = Region.objects.get_or_create(code="510800", defaults={"name": "广元市", "level": "city",
                                                                    "parent": province})
    Region.objects.get_or_create(code="510802", defaults={"name": "利州区", "level": "district", "parent": city})


def test_a_real_worker_runs_an_export_end_to_end(client, staff, regions, celery_worker):
    cases = [make_case(status="paid") for _ in range(5)]
    client.force_login(staff("auditor"))

    created = client.post("/api/v1/exports/", {"report": "case_register", "filters": {"status": "paid"}},
                          content_type="application/json")
    assert created.status_code == 202
    url = f"/api/v1/exports/{created.json()['id']}/"

    deadline = time.monotonic() + 60
    body = client.get(url).json()
    while body["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.25)
        body = client.get(url).json()
    assert body["status"] == "completed", body

    download = client.get(body["download_url"])
    assert download.status_code == 200
    book = open_xlsx(download_bytes(download))
    assert book.sheetnames[0] == "说明"
    _header, rows = data_rows(book)
    assert sorted(r[0] for r in rows) == sorted(c.ref for c in cases)
