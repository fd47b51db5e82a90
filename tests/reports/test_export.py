import datetime
import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import QuerySet

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.registry.models import Person
from guangyuan_jobs.reports import registry
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.registry import get_report
from guangyuan_jobs.reports.rules import cell_text
from guangyuan_jobs.reports.services import export_purge_expired, export_run, export_start
from tests.factories import make_id_number
from tests.reports.conftest import data_rows, make_person, open_xlsx


def _run(django_capture_on_commit_callbacks, **kwargs) -> ExportJob:
    """Request an export and let the on-commit task run in process (Celery eager), as a page would."""
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(**{"report": "case_register", "filters": {}, **kwargs})
    job.refresh_from_db()
    return job


def _book(job):
    with default_storage.open(job.file.name, "rb") as handle:
        return open_xlsx(handle.read())


def test_district_manager_exports_only_their_district(staff, case_factory, enterprise_factory,
                                                      django_capture_on_commit_callbacks):
    mine = [case_factory(region="510802", status="paid", approved_amount=Decimal("1234.5"),
                         due_date=datetime.date(2026, 1, 5)) for _ in range(3)]
    mine.append(case_factory(region="510802", enterprise=enterprise_factory(), status="accepted"))
    case_factory(region="510811")  # 昭化区: another district
    case_factory(region="510802", status="draft")  # drafts are the applicant's own business
    manager = staff("manager", region_code="510802")

    job = _run(django_capture_on_commit_callbacks, actor=manager)

    assert job.status == ExportJob.Status.COMPLETED, job.error
    assert job.rows_written == job.total_rows == 4
    assert job.expires_at > job.finished_at
    with default_storage.open(job.file.name, "rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == job.checksum
    book = open_xlsx(content)
    assert book.sheetnames[0] == "说明"
    cover = dict(book.worksheets[0].iter_rows(values_only=True))
    assert cover["报表"] == "案件台账"
    assert cover["行数"] == 4
    assert cover["证件号码"] == "已脱敏"
    assert manager.username in cover["导出人"]
    header, rows = data_rows(book)
    assert header == tuple(str(column.header) for column in get_report("case_register").columns)
    assert header[3] == "身份证号码" and header[11] == "申请金额（元）"
    assert sorted(r[0] for r in rows) == sorted(c.ref for c in mine)
    assert {r[5] for r in rows} == {"利州区"}
    paid = next(r for r in rows if r[0] == mine[0].ref)
    assert paid[6] == str(CaseStatus.PAID.label)
    assert paid[12] == 1234.5 and isinstance(paid[12], float)  # a number, not text
    assert paid[13] == datetime.datetime(2026, 1, 5)  # a date cell
    sheet = book.worksheets[1]
    assert sheet.cell(row=2, column=13).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=14).number_format == "yyyy-mm-dd"
    firm = next(r for r in rows if r[0] == mine[3].ref)
    assert firm[4] == mine[3].applicant_enterprise.credit_code and firm[3] is None
    events = set(AuditEvent.objects.filter(object_id=str(job.id)).values_list("event_type", flat=True))
    assert events == {"reports.export_requested", "reports.export_completed"}


def test_filters_narrow_the_rows_and_appear_on_the_cover(staff, case_factory, django_capture_on_commit_callbacks):
    case_factory(region="510802", status="paid")
    keep = case_factory(region="510811", status="paid")
    case_factory(region="510811", status="submitted")
    auditor = staff("auditor")
    job = _run(django_capture_on_commit_callbacks, actor=auditor, filters={"status": "paid", "region": "510811"})
    book = _book(job)
    _header, rows = data_rows(book)
    assert [r[0] for r in rows] == [keep.ref]
    cover = dict(book.worksheets[0].iter_rows(values_only=True))
    assert f"状态: {CaseStatus.PAID.label}" in cover["筛选条件"] and "昭化区" in cover["筛选条件"]
    assert job.filters == {"status": "paid", "region": "510811"}


def test_masked_id_number_for_a_role_without_reveal(staff, case_factory, django_capture_on_commit_callbacks):
    number = make_id_number()
    case_factory(person=make_person(id_number=number))
    job = _run(django_capture_on_commit_callbacks, actor=staff("finance"))  # finance may reveal, not export full
    _header, rows = data_rows(_book(job))
    assert rows[0][3] == number[:6] + "********" + number[-4:]
    with default_storage.open(job.file.name, "rb") as handle:
        assert number.encode() not in handle.read()


def test_full_values_need_both_permissions_and_a_reason(staff, case_factory, django_capture_on_commit_callbacks):
    number = make_id_number()
    case_factory(person=make_person(id_number=number))
    manager = staff("manager")
    with pytest.raises(ForbiddenError):
        export_start(report="case_register", filters={}, actor=manager, full_values=True, reason="核对")
    assert AuditEvent.objects.filter(event_type="reports.export_denied", actor=manager).exists()

    finance = staff("finance")
    finance.user_permissions.add(Permission.objects.get(codename="export_full_values"))
    finance = type(finance).objects.get(pk=finance.pk)  # fresh permission cache
    with pytest.raises(ValidationError):
        export_start(report="case_register", filters={}, actor=finance, full_values=True, reason=" ")
    job = _run(django_capture_on_commit_callbacks, actor=finance, full_values=True, reason="银行代发核对")
    book = _book(job)
    _header, rows = data_rows(book)
    assert rows[0][3] == number
    cover = dict(book.worksheets[0].iter_rows(values_only=True))
    assert "银行代发核对" in cover["证件号码"]
    requested = AuditEvent.objects.get(event_type="reports.export_requested", object_id=str(job.id))
    assert requested.details["full_values"] is True and requested.details["reason"] == "银行代发核对"


def test_no_cell_is_ever_a_formula(staff, case_factory, enterprise_factory, django_capture_on_commit_callbacks):
    nasty = ["=cmd|' /C calc'!A0", "+1", "-2", "@x", "\t=1", "\r=2", "=HYPERLINK(\"http://x\")", "\x01=3"]
    for text in nasty:
        case = case_factory()
        Person.objects.filter(pk=case.applicant_person_id).update(name=text)
    firm = enterprise_factory()
    type(firm).objects.filter(pk=firm.pk).update(name="=1+1")
    case_factory(enterprise=firm)
    finance = staff("finance", display_name="=evil()")
    finance.user_permissions.add(Permission.objects.get(codename="export_full_values"))
    finance = type(finance).objects.get(pk=finance.pk)

    job = _run(django_capture_on_commit_callbacks, actor=finance, full_values=True, reason="=SUM(1,2)")

    book = _book(job)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = {r[2] for r in data_rows(book)[1]}
    assert {"'=cmd|' /C calc'!A0", "'+1", "'-2", "'@x", "'\t=1", "'\r=2", "'=1+1", "'=3"} <= names


@pytest.mark.parametrize(("text", "safe"), [
    ("", ""), ("张三", "张三"), ("=1", "'=1"), ("+86", "'+86"), ("-", "'-"), ("@SUM", "'@SUM"), ("\t=x", "'\t=x"),
    ("a=b", "a=b"), ("\x00\x1f=x", "'=x"), ("x" * 40000, "x" * 32767),
])
def test_cell_text_rules(text, safe):
    assert cell_text(text) == safe


def test_bad_filters_and_unknown_reports_change_nothing(staff):
    auditor = staff("auditor")
    with pytest.raises(ValidationError) as exc_info:
        export_start(report="case_register", filters={"status": "nope", "date_from": "x"}, actor=auditor)
    assert set(exc_info.value.message_dict) == {"status", "date_from"}
    with pytest.raises(ApplicationError):
        export_start(report="no_such_report", filters={}, actor=auditor)
    with pytest.raises(ForbiddenError):
        export_start(report="case_register", filters={}, actor=staff("reviewer"))
    assert not ExportJob.objects.exists()


def test_a_completed_job_is_not_rerun_and_a_running_one_restarts(staff, case_factory,
                                                                  django_capture_on_commit_callbacks):
    case_factory()
    job = _run(django_capture_on_commit_callbacks, actor=staff("auditor"))
    before = (job.file.name, job.checksum, job.finished_at)
    export_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.file.name, job.checksum, job.finished_at) == before

    # A worker died mid-way: the job is left running with partial progress; the redelivered task restarts it.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_written=1, file="",
                                               checksum="")
    export_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED and job.rows_written == 1 and job.checksum


def test_a_failure_is_recorded_on_the_job(staff, monkeypatch, django_capture_on_commit_callbacks):
    def broken(user, filters) -> QuerySet:
        raise RuntimeError("database went away")

    definition = registry.ReportDefinition(code="broken", label="Broken", queryset=broken,
                                           columns=(registry.Column("A", "ref"),))
    monkeypatch.setitem(registry._REGISTRY, "broken", definition)
    job = _run(django_capture_on_commit_callbacks, report="broken", actor=staff("auditor"))
    assert job.status == ExportJob.Status.FAILED
    assert "database went away" in job.error
    assert not job.file
    assert AuditEvent.objects.filter(event_type="reports.export_failed", object_id=str(job.id)).exists()


def test_expired_exports_are_purged(staff, case_factory, django_capture_on_commit_callbacks):
    from django.utils import timezone

    case_factory()
    job = _run(django_capture_on_commit_callbacks, actor=staff("auditor"))
    fresh = _run(django_capture_on_commit_callbacks, actor=staff("auditor"))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    name = job.file.name
    assert default_storage.exists(name)

    assert export_purge_expired() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not job.file
    assert not default_storage.exists(name)
    assert default_storage.exists(fresh.file.name)
    assert export_purge_expired() == 0
