import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.reports.models import ExportJob
from tests.reports.conftest import data_rows, download_bytes, open_xlsx

LIST = reverse("reports:export_list")
NEW = reverse("reports:export_new")


def _post_export(client, captured, **data):
    with captured(execute=True):
        response = client.post(NEW, {"report": "case_register", **data})
    return response


def test_request_follow_and_download_an_export(client, staff, case_factory, django_capture_on_commit_callbacks):
    case = case_factory(status="paid")
    auditor = staff("auditor")
    client.force_login(auditor)

    page = client.get(NEW)
    assert page.status_code == 200
    assert "案件台账" in page.content.decode()
    assert 'name="full_values"' not in page.content.decode()  # auditors may not export full numbers

    response = _post_export(client, django_capture_on_commit_callbacks, status="paid")
    job = ExportJob.objects.get(requested_by=auditor)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_detail", args=[job.id])

    detail = client.get(response["Location"]).content.decode()
    assert "已完成" in detail and reverse("reports:export_download", args=[job.id]) in detail
    progress = client.get(reverse("reports:export_progress", args=[job.id])).content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops polling
    assert "100%" in progress

    download = client.get(reverse("reports:export_download", args=[job.id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    _header, rows = data_rows(open_xlsx(download_bytes(download)))
    assert [r[0] for r in rows] == [case.ref]
    assert AuditEvent.objects.filter(event_type="reports.export_downloaded", actor=auditor,
                                     object_id=str(job.id)).count() == 1

    listing = client.get(LIST).content.decode()
    assert reverse("reports:export_detail", args=[job.id]) in listing


def test_a_running_export_is_polled(client, staff):
    auditor = staff("auditor")
    job = ExportJob.objects.create(report="case_register", requested_by=auditor, status=ExportJob.Status.RUNNING,
                                   total_rows=200, rows_written=50)
    client.force_login(auditor)
    progress = client.get(reverse("reports:export_progress", args=[job.id])).content.decode()
    assert 'hx-trigger="every 1s"' in progress and "25%" in progress
    # Not finished: no file to give, and the page says so.
    response = client.get(reverse("reports:export_download", args=[job.id]), follow=True)
    assert "此导出尚未完成" in response.content.decode()


def test_bad_filters_show_a_message_and_change_nothing(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff("auditor"))
    response = _post_export(client, django_capture_on_commit_callbacks, date_from="2026-05-02",
                            date_to="2026-05-01")
    assert response.status_code == 200
    assert "开始日期晚于结束日期" in response.content.decode()
    response = _post_export(client, django_capture_on_commit_callbacks, status="nope")
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_full_values_need_a_reason_on_the_page(client, staff, case_factory, django_capture_on_commit_callbacks):
    finance = staff("finance")
    finance.user_permissions.add(Permission.objects.get(codename="export_full_values"))
    client.force_login(finance)
    assert 'name="full_values"' in client.get(NEW).content.decode()
    response = _post_export(client, django_capture_on_commit_callbacks, full_values="on", reason="")
    assert "请说明需要完整号码的事由" in response.content.decode()
    assert not ExportJob.objects.exists()
    _post_export(client, django_capture_on_commit_callbacks, full_values="on", reason="银行代发核对")
    assert ExportJob.objects.get().full_values


def test_only_the_requester_may_see_or_download(client, staff, case_factory, django_capture_on_commit_callbacks):
    case_factory()
    owner = staff("auditor")
    client.force_login(owner)
    _post_export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()

    colleague = staff("auditor")  # same role, same scope: still not theirs
    client.force_login(colleague)
    for name in ("export_detail", "export_progress", "export_download"):
        assert client.get(reverse(f"reports:{name}", args=[job.id])).status_code == 404
    assert str(job.id) not in client.get(LIST).content.decode()

    client.force_login(staff("reviewer"))  # no export permission at all
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(reverse("reports:export_download", args=[job.id])).status_code == 403

    # The requester who lost the role loses the file too.
    owner.groups.clear()
    owner.user_permissions.add(Permission.objects.get(codename="export_report"))
    client.force_login(owner)
    assert client.get(reverse("reports:export_download", args=[job.id])).status_code == 403
    assert not AuditEvent.objects.filter(event_type="reports.export_downloaded").exists()


def test_list_filters_and_pages(client, staff):
    auditor = staff("auditor")
    for i in range(30):
        ExportJob.objects.create(report="case_register", requested_by=auditor,
                                 status=ExportJob.Status.FAILED if i % 3 == 0 else ExportJob.Status.COMPLETED)
    client.force_login(auditor)
    assert len(client.get(LIST, {"status": "failed"}).context["rows"]) == 10
    assert len(client.get(LIST).context["rows"]) == 25
    assert len(client.get(LIST, {"page": 2}).context["rows"]) == 5
    bad = client.get(LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 200 and "开始日期晚于结束日期" in bad.content.decode()


@pytest.mark.parametrize("role", ["manager", "finance", "auditor"])
def test_export_roles_see_the_page(client, staff, role):
    client.force_login(staff(role))
    assert client.get(LIST).status_code == 200
    assert client.get(NEW).status_code == 200
