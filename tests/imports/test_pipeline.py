"""The kernel import pipeline (guangyuan_jobs.imports) with a toy import of its own: preview then import of the
same file, rejected rows with their reasons (on the page and in a file no formula survives), duplicates within
the file, chunks with progress, a restarted run superseding the earlier one, visible failure, the audited
download. The apps' imports (subsidies, priority_groups, integrity) have their own tests for their rules."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.xlsx import XlsxLimits, XlsxRefused, read_int, read_text
from guangyuan_jobs.imports import services as imports
from guangyuan_jobs.imports.models import ImportStatus
from guangyuan_jobs.imports.selectors import job_progress
from guangyuan_jobs.imports.services import ImportSpec, RowRejected
from integrity.models import SourceImport
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ID_NUMBER = "510802199001011234"
created: dict[str, tuple] = {}  # what the toy import makes: key -> (job id, amount)


class _Task:
    queued: list[str] = []

    @classmethod
    def delay(cls, job_id):
        cls.queued.append(job_id)


class ToySpec(ImportSpec):
    model = SourceImport
    task = "tests.imports.test_pipeline._Task"
    events = {"started": "toy.started", "finished": "toy.finished", "failed": "toy.failed",
              "rejected_downloaded": "toy.rejected_downloaded"}
    limits = XlsxLimits(max_rows=1000, max_columns=8)
    chunk_rows = 2
    rejected_dir = "toy/rejected/"
    columns = {"code": ("代码", "code"), "amount": ("金额", "amount"), "note": ("备注", "note")}
    optional_columns = ("note",)
    counters = {"created": ("rows_created",), "unchanged": ("rows_unchanged",), "rejected": ("rows_rejected",),
                "ineligible": ("rows_updated",)}
    problem_outcomes = ("rejected", "ineligible")
    outcome_labels = {"created": "created", "unchanged": "unchanged", "rejected": "bad", "ineligible": "too big"}
    result_column = True
    preview_blank = {"code": ""}
    copy_fields = ("source", "department", "file_date")
    fail_on = None  # a code whose row raises, to see a run fail
    on_handle = None  # called with (job, entry) before each row

    def require_import(self, actor):
        if actor.is_applicant:
            raise ForbiddenError("no")

    def require_view(self, actor):
        self.require_import(actor)

    def parse(self, row, context):
        reasons, values = [], {}
        for name, convert in (("code", lambda v: read_text(v, max_length=20)),
                              ("amount", lambda v: read_int(v, minimum=0))):
            try:
                values[name] = convert(row.cells[name])
            except ValueError as exc:
                reasons.append(f"{name}: {exc}")
        if reasons:
            raise RowRejected(reasons)
        values["note"] = row.cells.get("note") or ""
        return values

    def key(self, item):
        return item["code"]

    def prefetch(self, job, entries, context):
        return {e.key: created[e.key] for e in entries if e.key in created}

    def handle(self, job, entry, found, context, tally):
        if self.on_handle:
            self.on_handle(job, entry)
        item = entry.item
        if item["code"] == self.fail_on:
            raise RuntimeError(f"boom on {ID_NUMBER}")
        if item["amount"] > 100:
            tally.record(entry.row, "ineligible", reasons=[f"{item['amount']} is over 100"], code=item["code"])
        elif item["code"] in found and found[item["code"]][0] != job.pk:
            tally.record(entry.row, "unchanged", code=item["code"])
        else:
            if not job.dry_run:
                created[item["code"]] = (job.pk, item["amount"])
            tally.record(entry.row, "created", code=item["code"])


@pytest.fixture
def spec():
    created.clear()
    _Task.queued.clear()
    return ToySpec()


@pytest.fixture
def staff(db):
    return make_user("verifier")


def xlsx(rows, header=("代码", "金额", "备注")) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(header))
    for values in rows:
        book.active.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("toy.xlsx", buffer.getvalue())


ROWS = [("A", 10, ""), ("B", "x", ""), ("C", 500, ""), ("A", 20, ""), ("=HYPERLINK(\"x\")", 5, ""),
        ("D", 30, ID_NUMBER)]


def start(spec, staff, rows=ROWS, **kwargs):
    fields = {"source": "toy", "department": "toy department", "file_date": "2025-01-01"}
    return imports.job_start(spec, file=xlsx(rows, **kwargs), actor=staff, fields=fields)


def run(spec, job):
    imports.job_run(spec, import_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_preview_reports_every_row_and_writes_nothing(spec, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(spec, staff)
    assert _Task.queued == [str(job.pk)] and job.status == ImportStatus.PENDING and job.dry_run
    job = run(spec, job)
    assert job.status == ImportStatus.PREVIEWED and job_progress(job).percent == 100 and job_progress(job).done
    counts = (job.rows_total, job.rows_processed, job.rows_created, job.rows_rejected, job.rows_updated)
    assert counts == (6, 6, 2, 3, 1)
    assert created == {}
    by_row = {entry["row"]: entry for entry in job.preview}
    assert by_row[2]["outcome"] == "created" and by_row[2]["code"] == "A"
    assert by_row[3]["outcome"] == "rejected" and by_row[3]["reasons"][0].startswith("amount:")
    assert by_row[3]["code"] == ""  # a rejected row's fields are the spec's blanks
    assert by_row[4]["outcome"] == "ineligible"
    assert by_row[5]["reasons"] == ["同一记录已在本文件第2行。"]  # runs in the site's language
    assert by_row[6]["outcome"] == "rejected"  # a formula is refused, never evaluated
    assert AuditEvent.objects.filter(event_type="toy.finished", object_id=str(job.pk)).exists()


def test_the_file_of_rejected_rows_has_numbers_reasons_and_no_formula(spec, staff):
    job = run(spec, start(spec, staff, rows=[*ROWS, ("E", "=1+1", ID_NUMBER)]))
    with imports.rejected_file_open(spec, job=job, actor=staff) as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "代码", "金额", "备注", "结果", "原因")
    assert [r[0] for r in rows[1:]] == [3, 4, 5, 6, 8]
    assert rows[2][4] == "too big" and "over 100" in rows[2][5]
    assert all(cell is None or not str(cell).startswith("=") for r in rows for cell in r)
    assert ID_NUMBER not in str(rows)  # masked: the ID number in the note of row 8
    event = AuditEvent.objects.get(event_type="toy.rejected_downloaded")
    assert event.details == {"rows": 5}  # four rejected and one ineligible


def test_no_file_of_rejected_rows_when_every_row_passes(spec, staff):
    job = run(spec, start(spec, staff, rows=[("A", 1, "")]))
    assert job.status == ImportStatus.PREVIEWED and not job.rejected_file
    with pytest.raises(NotFoundError):
        imports.rejected_file_open(spec, job=job, actor=staff)


def test_commit_imports_the_same_file_once(spec, staff):
    preview = run(spec, start(spec, staff))
    job = imports.job_commit(spec, preview=preview, actor=staff)
    assert imports.job_commit(spec, preview=preview, actor=staff) == job  # a second click: the same import
    assert (job.file.name, job.sha256, job.source, job.dry_run, job.preview_of) == (
        preview.file.name, preview.sha256, "toy", False, preview)
    job = run(spec, job)
    assert job.status == ImportStatus.COMPLETED and created == {"A": (job.pk, 10), "D": (job.pk, 30)}
    started = AuditEvent.objects.get(event_type="toy.started", object_id=str(job.pk))
    assert started.details["preview_of"] == str(preview.pk) and started.details["dry_run"] is False
    with pytest.raises(ConflictError):
        imports.job_commit(spec, preview=job, actor=staff)  # not a preview


def test_a_repeated_import_changes_nothing(spec, staff):
    first = run(spec, imports.job_commit(spec, preview=run(spec, start(spec, staff)), actor=staff))
    again = run(spec, imports.job_commit(spec, preview=run(spec, start(spec, staff)), actor=staff))
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    assert created == {"A": (first.pk, 10), "D": (first.pk, 30)}


def test_a_finished_import_is_left_alone_when_its_task_comes_again(spec, staff):
    job = run(spec, start(spec, staff))
    spec.on_handle = lambda job, entry: pytest.fail("ran twice")
    assert run(spec, job).status == ImportStatus.PREVIEWED


def test_a_later_run_supersedes_the_earlier_one_at_its_next_chunk(spec, staff):
    job = start(spec, staff)

    def restarted(job, entry):
        # Another worker picked the import up meanwhile (a redelivered task): this run's row no longer matches.
        if entry.row.number == 4:
            SourceImport.objects.filter(pk=job.pk).update(started_at=job.started_at.replace(year=2099))

    spec.on_handle = restarted
    imports.job_run(spec, import_id=job.pk)
    job.refresh_from_db()
    # The first chunk (rows 2-3) committed its progress; the second chunk rolled back; no finish, no failure.
    assert job.status == ImportStatus.RUNNING and job.rows_processed == 2 and job.finished_at is None
    assert not AuditEvent.objects.filter(event_type__in=["toy.finished", "toy.failed"]).exists()


def test_progress_moves_chunk_by_chunk(spec, staff):
    job = start(spec, staff)
    seen = []
    spec.on_handle = lambda job, entry: seen.append(
        (entry.row.number, SourceImport.objects.get(pk=job.pk).rows_processed,
         job_progress(SourceImport.objects.get(pk=job.pk)).percent))
    run(spec, job)
    assert seen[0] == (2, 0, 0) and (7, 4, 66) in seen


def test_a_failure_ends_visibly_with_ids_masked(spec, staff):
    spec.fail_on = "D"
    job = run(spec, start(spec, staff))
    assert job.status == ImportStatus.FAILED and job.finished_at is not None and job_progress(job).done
    assert "RuntimeError" in job.error and ID_NUMBER not in job.error
    assert AuditEvent.objects.get(event_type="toy.failed").outcome == "failure"


def test_a_missing_column_fails_and_an_optional_one_may_be_left_out(spec, staff):
    job = run(spec, start(spec, staff, rows=[("A", 1)], header=("代码", "金额")))
    assert job.status == ImportStatus.PREVIEWED and job.rows_created == 1
    job = run(spec, start(spec, staff, rows=[("A",)], header=("代码",)))
    assert job.status == ImportStatus.FAILED and "金额" in job.error
    job = run(spec, start(spec, staff, rows=[]))
    assert job.status == ImportStatus.PREVIEWED and job.rows_total == 0 and job_progress(job).percent == 100


def test_a_refused_file_changes_nothing(spec, staff):
    before = SourceImport.objects.count()
    with pytest.raises(XlsxRefused):
        imports.job_start(spec, file=SimpleUploadedFile("x.xlsx", b"PK not a zip"), actor=staff,
                          fields={"source": "toy", "department": "d", "file_date": "2025-01-01"})
    assert SourceImport.objects.count() == before


def test_who_may_not_import_may_not_commit_or_download(spec, staff):
    preview = run(spec, start(spec, staff))
    applicant = make_user("applicant_person")
    with pytest.raises(ForbiddenError):
        imports.job_commit(spec, preview=preview, actor=applicant)
    with pytest.raises(ForbiddenError):
        imports.rejected_file_open(spec, job=preview, actor=applicant)


def test_progress_of_a_waiting_and_an_unknown_job():
    job = SourceImport(id=uuid.uuid4(), status=ImportStatus.RUNNING, rows_total=3, rows_processed=1)
    assert (job_progress(job).percent, job_progress(job).running) == (33, True)
    job.rows_total = 0
    assert job_progress(job).percent == 0
