"""The pages the three imports share through the kernel: the progress partial polled by htmx, the actions of a
finished preview, and the note that the page lists only the first problem rows (all three pages now)."""

import datetime

import pytest

from guangyuan_jobs.imports.models import ImportStatus
from guangyuan_jobs.imports.services import PREVIEW_PROBLEMS_MAX
from integrity.models import SourceImport
from priority_groups.models import GroupCode, PersonRosterImport
from subsidies.models import RosterImport
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOTE = "个问题行"  # "The first N problem rows are shown; the file of rejected rows has them all."


@pytest.fixture
def entry(db):
    return make_user("entry")


def _job(model, entry, **fields):
    return model.objects.create(original_name="x.xlsx", sha256="0" * 64, created_by=entry, file="x.xlsx", **fields)


def _imports(entry):
    group = GroupCode.objects.filter(parent__isnull=True, active=True).first()
    return [
        (_job(RosterImport, entry, premium_year=2024), "/subsidies/roster/{}/", "roster"),
        (_job(PersonRosterImport, entry, group=group, valid_from=datetime.date(2026, 1, 1), evidence="list"),
         "/priority-groups/rosters/{}/", "roster"),
        (_job(SourceImport, entry, source="police_death", department="民政", file_date=datetime.date(2026, 1, 1)),
         "/integrity/imports/{}/", "import"),
    ]


def test_the_progress_partial_polls_while_running_and_reloads_the_page_once_done(client, entry):
    client.force_login(entry)
    for job, url, prefix in _imports(entry):
        type(job).objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_total=4, rows_processed=1)
        response = client.get(url.format(job.pk) + "progress/", headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200 and f'data-testid="{prefix}-progress"' in html and "25%" in html
        assert "hx-get" in html and "HX-Refresh" not in response
        type(job).objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWED, rows_processed=4)
        response = client.get(url.format(job.pk) + "progress/", headers={"HX-Request": "true"})
        assert response["HX-Refresh"] == "true" and "hx-get" not in response.content.decode()


def test_a_finished_preview_offers_its_import_and_says_when_rows_are_left_off_the_page(client, entry):
    client.force_login(entry)
    for job, url, prefix in _imports(entry):
        type(job).objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWED, rows_rejected=PREVIEW_PROBLEMS_MAX)
        html = client.get(url.format(job.pk)).content.decode()
        assert f'data-testid="{prefix}-commit"' in html and NOTE not in html
        type(job).objects.filter(pk=job.pk).update(rows_rejected=PREVIEW_PROBLEMS_MAX + 1)
        assert NOTE in client.get(url.format(job.pk)).content.decode()
