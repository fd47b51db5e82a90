"""The registers export with labels and scope; the import pages take a file to a preview and an import; the
dashboard figures; the demo data."""

import io
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.services import export_start
from integrity.indicators import amount_recovered, amount_under_recovery, open_findings
from integrity.models import ExternalRecord, Finding, RecordKind, Recovery, SourceImport
from integrity.services.findings import finding_verify
from integrity.services.recoveries import recovery_receipt_add
from monitoring.indicators import IndicatorQuery
from tests.factories import make_id_number, make_user
from tests.integrity.test_pages_api import found


def _export(report, actor, capture):
    with capture(execute=True):
        job = export_start(report=report, filters={}, actor=actor)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED, job.error
    with default_storage.open(job.file.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_registers_export_findings_and_recoveries_with_balance(crew, django_capture_on_commit_callbacks):
    open_one = found(crew, district="510821")
    paid = found(crew, status=CaseStatus.PAID, amount=Decimal("900.00"))
    finding_verify(finding=paid, actor=crew.verifier, reason="属实")
    header, rows = _export("integrity_findings", crew.auditor, django_capture_on_commit_callbacks)
    refs = {row[0] for row in rows}
    assert refs == {open_one.ref, paid.ref}
    assert {"待核查", "已核实"} <= {cell for row in rows for cell in row}
    header, rows = _export("integrity_recoveries", crew.auditor, django_capture_on_commit_callbacks)
    assert len(rows) == 1 and Decimal(str(rows[0][9])) == Decimal("900.00")
    district = make_user("verifier", region_code="510821")
    header, rows = _export("integrity_findings", district, django_capture_on_commit_callbacks)
    assert [row[0] for row in rows] == [open_one.ref]


def test_dashboard_figures(crew):
    today = timezone.localdate()
    found(crew)
    paid = found(crew, status=CaseStatus.PAID, amount=Decimal("900.00"))
    finding_verify(finding=paid, actor=crew.verifier, reason="属实")
    recovery = Recovery.objects.get()
    recovery_receipt_add(recovery=recovery, kind="repayment", amount=Decimal("100.00"), received_on=today,
                         reference="SJ-7", actor=crew.finance)
    query = IndicatorQuery(start=today.replace(month=1, day=1), end=today)
    assert open_findings(query) == 1
    assert amount_under_recovery(query) == Decimal("800.00")
    assert amount_recovered(query) == Decimal("100.00")
    assert open_findings(IndicatorQuery(start=query.start, end=query.end, region="510821")) == 0


def _file() -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "入监日期", "释放日期", "监所"])
    sheet.append([make_id_number(), "吴十", "2024-05-01", "", "四川省广元监狱"])
    sheet.append(["not an id", "郑一", "2024-05-01", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("custody.xlsx", buffer.getvalue())


def test_upload_preview_and_import_on_the_pages(db, django_capture_on_commit_callbacks):
    entry = make_user("entry")
    client = Client()
    client.force_login(entry)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/integrity/imports/new/", {"source": "justice_custody", "file_date": "2026-01-10",
                                                           "file": _file()})
    assert response.status_code == 302
    preview = SourceImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-created">1<' in page and 'data-testid="count-rejected">1<' in page
    assert client.get(f"/integrity/imports/{preview.pk}/rejected.xlsx").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/integrity/imports/{preview.pk}/import/")
    assert response.status_code == 302
    assert ExternalRecord.objects.filter(kind=RecordKind.CUSTODY).count() == 1
    assert SourceImport.objects.get(preview_of=preview).status == SourceImport.Status.COMPLETED


def test_a_future_file_date_or_a_non_workbook_is_refused_with_a_message(db):
    entry = make_user("entry")
    client = Client()
    client.force_login(entry)
    response = client.post("/integrity/imports/new/", {"source": "justice_custody", "file_date": "2099-01-01",
                                                       "file": _file()})
    assert response.status_code == 400 and "将来" in response.content.decode()
    response = client.post("/integrity/imports/new/", {"source": "justice_custody", "file_date": "2026-01-01",
                                                       "file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 400 and not SourceImport.objects.exists()


def test_a_data_exchange_batch_uses_the_same_adapter_and_keys(db):
    from integrity.services.imports import source_records_receive

    entry = make_user("entry")
    number = make_id_number()
    rows = [{"id_number": number, "name": "王五", "died_on": "2025-12-01"}, {"id_number": "bad", "name": "x"}]
    first = source_records_receive(source="police_death", rows=rows, file_date=timezone.localdate(), actor=entry)
    again = source_records_receive(source="police_death", rows=rows[:1], file_date=timezone.localdate(), actor=entry)
    assert (first.rows_created, first.rows_rejected, again.rows_unchanged) == (1, 1, 1)
    assert ExternalRecord.objects.count() == 1
    assert Finding.objects.count() == 0
