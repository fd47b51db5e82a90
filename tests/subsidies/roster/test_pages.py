"""The roster pages and API: who may see and do what, the preview then the real import of the same file, the
progress bar, the rejected-rows download."""

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case
from subsidies.models import RosterImport
from tests.factories import make_user
from tests.subsidies.roster.conftest import YEAR, mixed_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_upload_previews_then_imports_the_same_file(client, entry, django_capture_on_commit_callbacks):
    client.force_login(entry)
    assert client.get("/subsidies/roster/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/subsidies/roster/new/", {"premium_year": YEAR,
                                                          "file": upload(xlsx_bytes(mixed_rows()))})
    preview = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/roster/{preview.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "预览完成" in page and "正式导入" in page and "数据有误" in page and "=1+1" in page
    assert not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/subsidies/roster/{preview.pk}/import/")
    roster = RosterImport.objects.get(dry_run=False)
    assert response["Location"] == f"/subsidies/roster/{roster.pk}/"
    assert roster.status == "completed" and Case.objects.filter(kind="WGFH").count() == 3
    page = client.get(f"/subsidies/roster/{preview.pk}/").content.decode()
    assert f"/subsidies/roster/{roster.pk}/" in page  # the preview links to its import, no second button
    listing = client.get("/subsidies/roster/", {"status": "completed"}).content.decode()
    assert str(roster.pk) in listing and str(preview.pk) not in listing


def test_progress_bar_is_polled_until_the_import_ends(client, entry, run_import):
    roster = run_import(entry, xlsx_bytes(mixed_rows()))
    client.force_login(entry)
    done = client.get(f"/subsidies/roster/{roster.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in done.content.decode()
    RosterImport.objects.filter(pk=roster.pk).update(status="running", rows_processed=3)
    running = client.get(f"/subsidies/roster/{roster.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in running and 'hx-trigger="every 1s"' in running.content.decode()
    assert "33%" in running.content.decode()


def test_rejected_rows_download_is_a_file_and_audited(client, entry, run_import):
    roster = run_import(entry, xlsx_bytes(mixed_rows()))
    client.force_login(make_user("reviewer"))
    response = client.get(f"/subsidies/roster/{roster.pk}/rejected.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(event_type="subsidies.roster_rejected_downloaded").exists()


def test_a_reviewer_sees_imports_but_may_not_start_one(client, entry, run_import):
    preview = run_import(entry, xlsx_bytes(mixed_rows()))
    client.force_login(make_user("reviewer"))
    assert client.get("/subsidies/roster/").status_code == 200
    assert client.get(f"/subsidies/roster/{preview.pk}/").status_code == 200
    assert client.get("/subsidies/roster/new/").status_code == 403
    assert client.post(f"/subsidies/roster/{preview.pk}/import/").status_code == 302
    assert not RosterImport.objects.filter(dry_run=False).exists()


@pytest.mark.parametrize("role", ["applicant_enterprise", "approver", "finance"])
def test_others_may_not_see_roster_imports(client, role, entry, run_import):
    roster = run_import(entry, xlsx_bytes(mixed_rows()))
    client.force_login(make_user(role))
    for url in ("/subsidies/roster/", f"/subsidies/roster/{roster.pk}/", f"/subsidies/roster/{roster.pk}/rejected.xlsx",
                "/subsidies/roster/template.xlsx"):
        assert client.get(url).status_code == 403
    assert APIClient().get("/api/v1/subsidies/roster-imports/").status_code in (401, 403)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/subsidies/roster/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_bad_year_is_explained_and_nothing_is_stored(client, entry):
    client.force_login(entry)
    response = client.post("/subsidies/roster/new/", {"premium_year": 2030, "file": upload(xlsx_bytes(mixed_rows()))})
    assert response.status_code == 400 and "缴费年度应为" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_template_has_the_columns_the_import_reads(client, entry):
    client.force_login(entry)
    response = client.get("/subsidies/roster/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in next(book.active.iter_rows())][:2] == ["统一社会信用代码", "单位名称"]


def test_api_uploads_previews_and_imports(entry, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(entry)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/subsidies/roster-imports/", {
            "premium_year": YEAR, "file": upload(xlsx_bytes(mixed_rows()))}, format="multipart")
    assert response.status_code == 202 and response.json()["dry_run"] is True
    preview_id = response.json()["id"]
    detail = api.get(f"/api/v1/subsidies/roster-imports/{preview_id}/").json()
    assert detail["status"] == "previewed" and detail["rows_rejected"] == 5 and detail["percent"] == 100
    rejected = {r["row"]: r for r in detail["preview"] if r["outcome"] == "rejected"}
    assert set(rejected) == {6, 7, 8, 9, 10} and detail["rejected_file_url"]
    with django_capture_on_commit_callbacks(execute=True):
        committed = api.post(f"/api/v1/subsidies/roster-imports/{preview_id}/import/")
    assert committed.status_code == 202
    assert api.get(f"/api/v1/subsidies/roster-imports/{committed.json()['id']}/").json()["rows_created"] == 3
    assert api.post(f"/api/v1/subsidies/roster-imports/{committed.json()['id']}/import/").status_code == 409


def test_api_refuses_a_bad_file_with_the_error_shape(entry):
    api = APIClient()
    api.force_authenticate(entry)
    response = api.post("/api/v1/subsidies/roster-imports/", {
        "premium_year": YEAR, "file": upload(b"%PDF-1.4 not a workbook")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "xlsx_not_zip" and "xlsx" in response.json()["error"]["message"]
    reviewer = APIClient()
    reviewer.force_authenticate(make_user("reviewer"))
    assert reviewer.post("/api/v1/subsidies/roster-imports/", {
        "premium_year": YEAR, "file": upload(xlsx_bytes(mixed_rows()))}, format="multipart").status_code == 403
    assert not RosterImport.objects.exists()


def test_a_year_without_refund_parameters_names_the_missing_one(client, entry):
    client.force_login(entry)
    response = client.post("/subsidies/roster/new/", {"premium_year": 2018, "file": upload(xlsx_bytes(mixed_rows()))})
    page = response.content.decode()
    assert response.status_code == 400 and "wgfh.ratio.large" in page and "2018-12-31" in page
    assert not RosterImport.objects.exists()
