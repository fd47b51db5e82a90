import uuid

from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.reports.models import ExportJob
from tests.reports.conftest import data_rows, download_bytes, open_xlsx

URL = "/api/v1/exports/"


def test_create_then_get_then_download(client, staff, case_factory, django_capture_on_commit_callbacks):
    case = case_factory(region="510811")
    case_factory(region="510802")
    manager = staff("manager")
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"report": "case_register", "filters": {"region": "510811"}},
                               content_type="application/json")
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert ExportJob.objects.get(pk=job_id).requested_by == manager

    body = client.get(f"{URL}{job_id}/").json()
    assert body["status"] == "completed" and body["progress"] == 100 and body["rows"] == 1
    assert body["download_url"].endswith(reverse("reports_api:export_download", args=[job_id]))

    download = client.get(body["download_url"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    _header, rows = data_rows(open_xlsx(download_bytes(download)))
    assert [r[0] for r in rows] == [case.ref]
    assert AuditEvent.objects.filter(event_type="reports.export_downloaded", object_id=job_id).exists()

    listing = client.get(URL).json()
    assert [item["id"] for item in listing["results"]] == [job_id]


def test_errors_use_the_common_shape_and_change_nothing(client, staff):
    client.force_login(staff("auditor"))
    unknown = client.post(URL, {"report": "nope"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_report"
    bad = client.post(URL, {"report": "case_register", "filters": {"status": "nope", "region": "999999"}},
                      content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"status", "region"}
    not_object = client.post(URL, {"report": "case_register", "filters": ["x"]}, content_type="application/json")
    assert not_object.status_code == 400
    no_reason = client.post(URL, {"report": "case_register", "full_values": True},
                            content_type="application/json")
    assert no_reason.status_code == 403  # auditors may not export full values at all
    assert not ExportJob.objects.exists()


def test_permissions(client, staff):
    client.force_login(staff("reviewer"))
    response = client.post(URL, {"report": "case_register"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"

    owner = staff("auditor")
    job = ExportJob.objects.create(report="case_register", requested_by=owner)
    client.force_login(staff("auditor"))
    assert client.get(f"{URL}{job.id}/").status_code == 404
    assert client.get(f"{URL}{job.id}/download/").status_code == 404
    client.force_login(owner)
    assert client.get(f"{URL}{uuid.uuid4()}/").status_code == 404
    assert client.get(f"{URL}{job.id}/download/").status_code == 409

    client.logout()
    assert client.get(f"{URL}{job.id}/").status_code in (401, 403)


def test_an_expired_export_answers_410(client, staff):
    owner = staff("auditor")
    job = ExportJob.objects.create(report="case_register", requested_by=owner, status=ExportJob.Status.EXPIRED)
    client.force_login(owner)
    response = client.get(f"{URL}{job.id}/download/")
    assert response.status_code == 410 and response.json()["error"]["code"] == "expired"
