"""The steps of an import, the same for every app: start (store the file, queue its preview), commit (import
a finished preview's file for real), run (count the rows, then read them in chunks, each chunk committing its
writes together with the progress), the file of rejected rows, finish or fail, and the audited download.

What differs is said by an `ImportSpec`: the columns, how a row is read (`parse`, raising `RowRejected` with
every reason), what makes two rows the same (`key`), what a row does (`handle`, recording its outcome). A run
killed midway is started again from the top by the redelivered task; the earlier run stops at its next chunk
(`Superseded`). Every failure ends in a visible failed state with an audit event, never a silent loop.
"""

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, NotFoundError
from guangyuan_jobs.core.masking import mask_id_numbers_in_text
from guangyuan_jobs.core.xlsx import XlsxLimits, XlsxRefused, XlsxRow, xlsx_check, xlsx_columns, xlsx_rows
from guangyuan_jobs.imports.models import ImportJob, ImportStatus
from guangyuan_jobs.reports.rules import cell_text as safe_cell_text

logger = logging.getLogger(__name__)

REJECTED = "rejected"
# The page shows every problem row up to this many (the file of rejected rows has them all), and the first
# rows that go through, as a sample.
PREVIEW_PROBLEMS_MAX = 2000
PREVIEW_SAMPLE_MAX = 50


class RowRejected(Exception):
    """A row that cannot be read: every bad cell with its column and reason."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = list(reasons)


class Superseded(Exception):
    """A later run of the same import started (a redelivered task): this one stops."""


@dataclass(frozen=True)
class ImportRow:
    number: int  # the row number in the spreadsheet, or the position in a data exchange's batch
    cells: dict  # column name -> cell value, for the columns the import reads (an absent optional one left out)
    values: tuple  # every cell as sent, for the file of rejected rows


@dataclass
class Entry:
    """A row once read: its values checked (`item`) and its key, or the reasons it was rejected."""

    row: ImportRow
    item: object = None
    key: str = ""
    reasons: list = field(default_factory=list)


class ImportSpec:
    """What one kind of import is. Subclass it, set the attributes, and write `parse`, `key`, `handle`."""

    model: type[ImportJob]
    task: str  # dotted path of the Celery task that runs an import: task(import_id)
    events: dict[str, str]  # audit event types: started, finished, failed, rejected_downloaded
    log_name = "import"
    limits = XlsxLimits()
    chunk_rows = 200
    rejected_dir = "imports/rejected/"
    columns: dict[str, tuple[str, ...]] = {}  # column name -> accepted titles (the first is the template's)
    optional_columns: tuple[str, ...] = ()
    # outcome -> the counters it adds one to (a field `rows_total` and `rows_processed` always counted).
    counters: dict[str, tuple[str, ...]] = {}
    problem_outcomes: tuple[str, ...] = (REJECTED,)  # these go in the file of rejected rows
    outcome_labels: dict = {}
    result_column = False  # the file of rejected rows has a column with each row's outcome
    mask_ids = True  # ID numbers in the cells and reasons shown are masked
    preview_blank: dict = {}  # the fields of a preview entry, for a row rejected before it was read
    duplicate_message = gettext_lazy("The same record is already on row %(row)d of this file.")
    copy_fields: tuple[str, ...] = ()  # what the real import takes over from its preview
    select_related: tuple[str, ...] = ("created_by",)

    # --- who may --------------------------------------------------------------------------------------------

    def require_import(self, actor) -> None:
        raise NotImplementedError

    def require_view(self, actor) -> None:
        raise NotImplementedError

    # --- hooks ----------------------------------------------------------------------------------------------

    def columns_for(self, job) -> dict[str, tuple[str, ...]]:
        return self.columns

    def started_details(self, job) -> dict:
        return {}

    def finished_details(self, job) -> dict:
        return {}

    def before_commit(self, preview) -> None:
        """Checks again, under the preview's lock, what may have changed since the preview."""

    def run_context(self, job):
        """What a run keeps across its chunks (look-up tables, caches, what to do after it)."""
        return None

    def parse(self, row: ImportRow, context):
        raise NotImplementedError

    def key(self, item) -> str:
        raise NotImplementedError

    def rejected_fields(self, row: ImportRow) -> dict:
        """The preview's fields of a rejected row (say which row it is, from its raw cells)."""
        return {}

    def prefetch(self, job, entries: list[Entry], context):
        """One look-up for the chunk's good rows, before its transaction."""
        return None

    def handle(self, job, entry: Entry, found, context, tally: "Tally") -> None:
        raise NotImplementedError

    def chunk_done(self, job, context) -> None:
        """In the chunk's transaction, once its progress is saved (e.g. register on_commit work)."""

    def finished(self, job, context) -> None:
        """In the transaction that marks the import done."""

    # --- derived --------------------------------------------------------------------------------------------

    def counter_fields(self) -> list[str]:
        names: list[str] = []
        for fields in self.counters.values():
            names.extend(name for name in fields if name not in names)
        return names

    def problem_count(self, job) -> int:
        names = {name for outcome in self.problem_outcomes for name in self.counters[outcome]}
        return sum(getattr(job, name) for name in names)

    def display(self, value) -> str:
        if value is None:
            return ""
        return (mask_id_numbers_in_text(str(value)) if self.mask_ids else str(value))[:200]

    def reason_text(self, reason) -> str:
        return mask_id_numbers_in_text(str(reason)) if self.mask_ids else str(reason)

    # --- the steps, bound to this import (an app's service module names them) ------------------------------

    def commit(self, *, preview, actor):
        return job_commit(self, preview=preview, actor=actor)

    def run(self, *, import_id) -> None:
        job_run(self, import_id=import_id)

    def rejected_open(self, *, job, actor):
        return rejected_file_open(self, job=job, actor=actor)

    def enqueue(self, job) -> None:
        job_id = str(job.pk)
        task = import_string(self.task)
        transaction.on_commit(lambda: task.delay(job_id), robust=True)  # else resumed: the apps list it in jobs.py


# --- starting ---------------------------------------------------------------------------------------------------


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def job_start(spec: ImportSpec, *, file, actor, fields: dict, dry_run: bool = True,
              default_name: str = "import.xlsx") -> ImportJob:
    """Store the uploaded file and queue its processing; any file `core.xlsx` refuses changes nothing. The
    caller has checked the actor and the import's own fields."""
    xlsx_check(file, limits=spec.limits)
    original_name = os.path.basename(getattr(file, "name", "") or "")[:200] or default_name
    with transaction.atomic():
        job = spec.model(**fields, original_name=original_name, sha256=file_sha256(file), dry_run=bool(dry_run),
                         created_by=actor)
        job.file.save(f"{job.id.hex}.xlsx", File(file), save=False)
        job.save()
        _started(spec, job, actor)
    return job


def job_commit(spec: ImportSpec, *, preview: ImportJob, actor) -> ImportJob:
    """Import for real the file of a finished preview. Idempotent: a second click returns the same import."""
    spec.require_import(actor)
    model = spec.model
    with transaction.atomic():
        preview = model.objects.select_for_update().get(pk=preview.pk)
        if not preview.dry_run or preview.status != ImportStatus.PREVIEWED:
            raise ConflictError(_("Only a finished preview can be imported."), code="not_previewed")
        existing = preview.imports.exclude(status=ImportStatus.FAILED).first()
        if existing is not None:
            return existing
        spec.before_commit(preview)
        job = model.objects.create(
            **{name: getattr(preview, name) for name in spec.copy_fields}, file=preview.file.name,
            original_name=preview.original_name, sha256=preview.sha256, dry_run=False, preview_of=preview,
            created_by=actor)
        _started(spec, job, actor)
    return job


def _started(spec: ImportSpec, job: ImportJob, actor) -> None:
    audit_log(actor=actor, event_type=spec.events["started"], obj=job,
              details={**spec.started_details(job), "dry_run": job.dry_run, "sha256": job.sha256,
                       "file": job.original_name,
                       "preview_of": str(job.preview_of_id) if job.preview_of_id else None})
    spec.enqueue(job)


# --- running ----------------------------------------------------------------------------------------------------


class Tally:
    """The counts of a run, the preview's entries, and the problem rows for the file of rejected rows."""

    def __init__(self, spec: ImportSpec, total: int = 0):
        self.spec = spec
        self.total = total
        self.processed = 0
        self.counts = dict.fromkeys(spec.counter_fields(), 0)
        self.preview: list[dict] = []
        self.problems: list[tuple] = []  # (row number, cell values, outcome, reasons)
        self.samples = 0

    def record(self, row: ImportRow, outcome: str, *, reasons: Iterable = (), **fields) -> None:
        spec = self.spec
        self.processed += 1
        for name in spec.counters[outcome]:
            self.counts[name] += 1
        problem = outcome in spec.problem_outcomes
        if problem:
            self.problems.append((row.number, tuple(spec.display(v) for v in row.values), outcome, list(reasons)))
        if (problem and len(self.problems) <= PREVIEW_PROBLEMS_MAX) or (
                not problem and self.samples < PREVIEW_SAMPLE_MAX):
            self.samples += not problem
            self.preview.append({"row": row.number, **spec.preview_blank, **fields, "outcome": outcome,
                                 "reasons": [mask_id_numbers_in_text(str(r)) for r in reasons]})

    def counters(self) -> dict:
        return {"rows_total": self.total, "rows_processed": self.processed, **self.counts}

    def progress(self) -> dict:
        return {"rows_processed": self.processed, **self.counts}


class ImportRun:
    """One run of an import over its rows, chunk by chunk."""

    def __init__(self, spec: ImportSpec, job: ImportJob, this_run, *, total: int = 0):
        self.spec = spec
        self.job = job
        self.this_run = this_run  # the job's row while this run is the current one: an update of 0 rows stops it
        self.tally = Tally(spec, total)
        self.context = spec.run_context(job)
        self.seen: dict[str, int] = {}  # key -> the first row number it is on

    def read(self, row: ImportRow) -> Entry:
        spec = self.spec
        try:
            item = spec.parse(row, self.context)
        except RowRejected as exc:
            return Entry(row, reasons=exc.reasons)
        key = spec.key(item)
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            return Entry(row, reasons=[spec.duplicate_message % {"row": first}])
        return Entry(row, item, key)

    def chunk(self, rows: list[ImportRow]) -> None:
        spec, job, tally = self.spec, self.job, self.tally
        entries = [self.read(row) for row in rows]
        found = spec.prefetch(job, [e for e in entries if e.item is not None], self.context)
        with transaction.atomic():
            for entry in entries:
                if entry.item is None:
                    tally.record(entry.row, REJECTED, reasons=entry.reasons, **spec.rejected_fields(entry.row))
                else:
                    spec.handle(job, entry, found, self.context, tally)
            # Progress and the chunk's writes commit together; a superseded run rolls its chunk back.
            if not self.this_run.update(**tally.progress()):
                raise Superseded
            spec.chunk_done(job, self.context)

    def rows(self, rows: Iterable[ImportRow]) -> None:
        chunk: list[ImportRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == self.spec.chunk_rows:
                self.chunk(chunk)
                chunk = []
        if chunk:
            self.chunk(chunk)


def job_run(spec: ImportSpec, *, import_id) -> None:
    """Process one import. A finished import is left alone; a running one (its worker died, or the task was
    delivered twice) starts again from the top, and the earlier run stops at its next chunk."""
    model = spec.model
    started = timezone.now()
    claimed = model.objects.filter(pk=import_id, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING)).update(
        status=ImportStatus.RUNNING, started_at=started, error="", preview=[], finished_at=None, rows_total=0,
        rows_processed=0, **dict.fromkeys(spec.counter_fields(), 0))
    if not claimed:
        return
    this_run = model.objects.filter(pk=import_id, status=ImportStatus.RUNNING, started_at=started)
    job = model.objects.select_related(*spec.select_related).get(pk=import_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            run, header = _process(spec, job, this_run)
            tally = run.tally
            rejected_name = write_rejected_file(spec, job, header, tally.problems) if tally.problems else ""
        status = ImportStatus.PREVIEWED if job.dry_run else ImportStatus.COMPLETED
        with transaction.atomic():
            done = this_run.update(status=status, preview=tally.preview, rejected_file=rejected_name,
                                   finished_at=timezone.now(), **tally.counters())
            if done:
                audit_log(actor=job.created_by, event_type=spec.events["finished"], obj=job,
                          details={**spec.finished_details(job), "dry_run": job.dry_run, **tally.counters()})
                spec.finished(job, run.context)
        if not done and rejected_name:
            default_storage.delete(rejected_name)
    except Superseded:
        return
    except Exception as exc:  # noqa: BLE001 - any failure must end in a visible failed state, never a silent loop
        if not isinstance(exc, ApplicationError):
            logger.exception("%s %s failed", spec.log_name, import_id)
        message = exc.message if isinstance(exc, ApplicationError) else f"{exc.__class__.__name__}: {exc}"
        message = mask_id_numbers_in_text(str(message))
        with transaction.atomic():
            if this_run.update(status=ImportStatus.FAILED, error=message[:2000], finished_at=timezone.now()):
                audit_log(actor=job.created_by, event_type=spec.events["failed"], obj=job, outcome="failure",
                          details={"error": message[:200]})


def _open_rows(spec: ImportSpec, job: ImportJob) -> Iterator[XlsxRow]:
    with job.file.open("rb") as handle:
        yield from xlsx_rows(handle, limits=spec.limits)


def header_columns(spec: ImportSpec, job: ImportJob, header: XlsxRow) -> dict[str, int]:
    """The position of each column by its title; a required one missing refuses the file, an optional one
    missing is left out."""
    wanted = spec.columns_for(job)
    columns = xlsx_columns(header, {k: v for k, v in wanted.items() if k not in spec.optional_columns})
    for name in spec.optional_columns:
        try:
            columns.update(xlsx_columns(header, {name: wanted[name]}))
        except XlsxRefused:
            continue  # an optional column left out
    return columns


def _process(spec: ImportSpec, job: ImportJob, this_run) -> tuple[ImportRun, XlsxRow]:
    # A first pass counts the rows, so the progress bar has its 100 %; the file is already known to be sane.
    rows = _open_rows(spec, job)
    header = next(rows, None)
    if header is None:
        raise XlsxRefused(_("The sheet is empty."), code="xlsx_empty")
    columns = header_columns(spec, job, header)
    total = sum(1 for _row in rows)
    if not this_run.update(rows_total=total):
        raise Superseded
    run = ImportRun(spec, job, this_run, total=total)
    rows = _open_rows(spec, job)
    next(rows)
    run.rows(ImportRow(row.number, {name: row.value(column) for name, column in columns.items()}, row.values)
             for row in rows)
    return run, header


# --- the file of rejected rows ----------------------------------------------------------------------------------


def write_rejected_file(spec: ImportSpec, job: ImportJob, header: XlsxRow, problems: list) -> str:
    """Every problem row, with its row number (it finds the row in the uploader's own file) and reasons, in a
    workbook no cell of which can start a formula (a cell "=1+1" comes back as text); ID numbers masked when
    the import masks them."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    titles = [safe_cell_text(spec.display(v)) for v in header.values]
    sheet.append([_("Row"), *titles, *([_("Result")] if spec.result_column else []), _("Reasons")])
    width = len(titles)
    for number, values, outcome, reasons in problems:
        cells = [safe_cell_text(v) for v in values[:width]] + [""] * (width - min(len(values), width))
        result = [str(spec.outcome_labels[outcome])] if spec.result_column else []
        sheet.append([number, *cells, *result, safe_cell_text("；".join(spec.reason_text(r) for r in reasons))])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="import-rejected-")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as stored:
            return default_storage.save(f"{spec.rejected_dir}{job.pk.hex}.xlsx", File(stored))
    finally:
        os.unlink(path)


def rejected_file_open(spec: ImportSpec, *, job: ImportJob, actor):
    """The file of rejected rows, opened for reading; the download is audited."""
    spec.require_view(actor)
    if not job.rejected_file:
        raise NotFoundError()
    handle = job.rejected_file.open("rb")
    audit_log(actor=actor, event_type=spec.events["rejected_downloaded"], obj=job,
              details={"rows": spec.problem_count(job)})
    return handle
