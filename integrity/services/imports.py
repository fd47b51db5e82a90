"""Imports of other departments' files (数据比对): upload, preview (a dry run that writes nothing but its counts
and reasons), import for real from the same stored file, with progress, a file of rejected rows, and an audit
event at each step.

Idempotent: each record is keyed on its natural key, so a re-import of the same rows counts them unchanged and
writes nothing; a changed row updates its record. A run killed midway is started again from the top by the
redelivered task. A real import then screens again the cases of the people and firms whose records changed.
"""

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.masking import mask_id_number, mask_id_numbers_in_text
from guangyuan_jobs.core.xlsx import XlsxLimits, XlsxRefused, XlsxRow, xlsx_check, xlsx_columns, xlsx_rows
from guangyuan_jobs.reports.rules import cell_text as safe_cell_text
from integrity.models import ExternalRecord, SourceImport
from integrity.sources import SOURCES, RowRejected, Source, SourceRecord

logger = logging.getLogger(__name__)

CHUNK_ROWS = 500
PREVIEW_PROBLEMS_MAX = 2000
PREVIEW_SAMPLE_MAX = 50
IMPORT_LIMITS = XlsxLimits(max_rows=200_000, max_columns=32)

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOME_LABELS = {
    CREATED: gettext_lazy("New record"),
    UPDATED: gettext_lazy("Record changed"),
    UNCHANGED: gettext_lazy("Already imported"),
    REJECTED: gettext_lazy("Bad data"),
}


class _Superseded(Exception):
    """A later run of the same import started (a redelivered task): this one stops."""


def _require(actor, permission: str, message) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(message)


def source_get(code: str) -> Source:
    source = SOURCES.get(code)
    if source is None:
        raise ApplicationError(_("Choose the kind of file."), code="unknown_source")
    return source


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def source_import_start(*, source: str, file_date, file, actor) -> SourceImport:
    """Store an uploaded department file and queue its preview. Refuses (changing nothing) a user without the
    permission, an unknown kind of file, a file date in the future, and any file core.xlsx refuses."""
    _require(actor, "integrity.add_sourceimport", _("You may not import department data."))
    adapter = source_get(source)
    if file_date is None or file_date > timezone.localdate():
        raise ApplicationError(_("The file's date is the day the department produced it: not a future day."),
                               code="file_date")
    xlsx_check(file, limits=IMPORT_LIMITS)
    original_name = os.path.basename(getattr(file, "name", "") or "")[:200] or f"{source}.xlsx"
    with transaction.atomic():
        job = SourceImport(source=source, department=str(adapter.department), file_date=file_date,
                           original_name=original_name, sha256=_sha256(file), dry_run=True, created_by=actor)
        job.file.save(f"{job.id.hex}.xlsx", File(file), save=False)
        job.save()
        _started(job, actor)
    return job


def source_import_commit(*, preview: SourceImport, actor) -> SourceImport:
    """Import for real the file of a finished preview. A second click returns the same import."""
    _require(actor, "integrity.add_sourceimport", _("You may not import department data."))
    with transaction.atomic():
        preview = SourceImport.objects.select_for_update().get(pk=preview.pk)
        if not preview.dry_run or preview.status != SourceImport.Status.PREVIEWED:
            raise ConflictError(_("Only a finished preview can be imported."), code="not_previewed")
        existing = preview.imports.exclude(status=SourceImport.Status.FAILED).first()
        if existing is not None:
            return existing
        job = SourceImport.objects.create(
            source=preview.source, department=preview.department, file_date=preview.file_date,
            file=preview.file.name, original_name=preview.original_name, sha256=preview.sha256, dry_run=False,
            preview_of=preview, created_by=actor)
        _started(job, actor)
    return job


def _started(job: SourceImport, actor) -> None:
    from integrity.tasks import source_import_run

    audit_log(actor=actor, event_type="integrity.import_started", obj=job,
              details={"source": job.source, "file_date": job.file_date.isoformat(), "dry_run": job.dry_run,
                       "sha256": job.sha256, "file": job.original_name,
                       "preview_of": str(job.preview_of_id) if job.preview_of_id else None})
    job_id = str(job.pk)
    transaction.on_commit(lambda: source_import_run.delay(job_id))


# --- running ---------------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    preview: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (row number, cell values, reasons), for the file
    samples: int = 0
    person_hashes: set = field(default_factory=set)  # subjects whose records changed, screened afterwards
    credit_codes: set = field(default_factory=set)

    def record(self, *, number: int, outcome: str, subject: str = "", name: str = "", reasons=(), values=()) -> None:
        self.processed += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        problem = outcome == REJECTED
        if problem:
            self.problems.append((number, values, list(reasons)))
        if (problem and len(self.problems) <= PREVIEW_PROBLEMS_MAX) or (
                not problem and self.samples < PREVIEW_SAMPLE_MAX):
            self.samples += not problem
            self.preview.append({"row": number, "subject": subject, "name": name, "outcome": outcome,
                                 "reasons": [mask_id_numbers_in_text(str(r)) for r in reasons]})

    def counters(self) -> dict:
        return {"rows_total": self.total, "rows_processed": self.processed, "rows_created": self.created,
                "rows_updated": self.updated, "rows_unchanged": self.unchanged, "rows_rejected": self.rejected}


def _natural_key(record: SourceRecord) -> str:
    # The person's number appears only as its keyed hash.
    parts = [lookup_hash(part) if part == record.id_number and part else str(part) for part in record.natural_key]
    return "|".join(parts)


def _content_hash(record: SourceRecord, person_hash: str) -> str:
    content = {"person": person_hash, "name": record.person_name, "credit_code": record.credit_code,
               "firm": record.firm_name, "start": str(record.start_date or ""), "end": str(record.end_date or ""),
               "amount": str(record.amount if record.amount is not None else ""), "attributes": record.attributes}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _values(record: SourceRecord, job: SourceImport) -> dict:
    person_hash = lookup_hash(record.id_number) if record.id_number else ""
    return {"person_hash": person_hash, "person_masked": mask_id_number(record.id_number),
            "person_name": record.person_name, "credit_code": record.credit_code, "firm_name": record.firm_name,
            "start_date": record.start_date, "end_date": record.end_date, "amount": record.amount,
            "attributes": record.attributes, "content_hash": _content_hash(record, person_hash),
            "source": job.source, "file_date": job.file_date, "source_import": job}


def _display(value) -> str:
    return "" if value is None else mask_id_numbers_in_text(str(value))[:200]


def source_import_run(*, import_id) -> None:
    """Process one import. A finished import is left alone; a running one (its worker died, or the task was
    delivered twice) starts again from the top, and the earlier run stops at its next chunk."""
    started = timezone.now()
    claimed = SourceImport.objects.filter(
        pk=import_id, status__in=(SourceImport.Status.PENDING, SourceImport.Status.RUNNING),
    ).update(status=SourceImport.Status.RUNNING, started_at=started, error="", preview=[], finished_at=None,
             rows_total=0, rows_processed=0, rows_created=0, rows_updated=0, rows_unchanged=0, rows_rejected=0)
    if not claimed:
        return
    this_run = SourceImport.objects.filter(pk=import_id, status=SourceImport.Status.RUNNING, started_at=started)
    job = SourceImport.objects.select_related("created_by").get(pk=import_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            tally, header = _process(job, this_run)
            rejected_name = _write_rejected_file(job, header, tally.problems) if tally.problems else ""
        status = SourceImport.Status.PREVIEWED if job.dry_run else SourceImport.Status.COMPLETED
        with transaction.atomic():
            done = this_run.update(status=status, preview=tally.preview, rejected_file=rejected_name,
                                   finished_at=timezone.now(), **tally.counters())
            if done:
                audit_log(actor=job.created_by, event_type="integrity.import_finished", obj=job,
                          details={"source": job.source, "dry_run": job.dry_run, **tally.counters()})
                if not job.dry_run and (tally.person_hashes or tally.credit_codes):
                    _screen_later(sorted(tally.person_hashes), sorted(tally.credit_codes))
        if not done and rejected_name:
            default_storage.delete(rejected_name)
    except _Superseded:
        return
    except Exception as exc:  # noqa: BLE001 - any failure must end in a visible failed state, never a silent loop
        if not isinstance(exc, ApplicationError):
            logger.exception("integrity import %s failed", import_id)
        message = exc.message if isinstance(exc, ApplicationError) else f"{exc.__class__.__name__}: {exc}"
        message = mask_id_numbers_in_text(str(message))
        with transaction.atomic():
            if this_run.update(status=SourceImport.Status.FAILED, error=message[:2000], finished_at=timezone.now()):
                audit_log(actor=job.created_by, event_type="integrity.import_failed", obj=job, outcome="failure",
                          details={"error": message[:200]})


def _screen_later(person_hashes: list[str], credit_codes: list[str]) -> None:
    from integrity.tasks import screen_subjects

    transaction.on_commit(lambda: screen_subjects.delay(person_hashes, credit_codes))


def source_records_receive(*, source: str, rows: list[dict], file_date, actor) -> SourceImport:
    """Records from a live data exchange (a department's API) instead of a file: the same adapter checks each
    row (a dict of field -> value), the same keys keep it idempotent, the same screening follows. Runs at once,
    for batches of the exchange's size; returns the finished import (bad rows listed in its preview)."""
    _require(actor, "integrity.add_sourceimport", _("You may not import department data."))
    adapter = source_get(source)
    with transaction.atomic():
        job = SourceImport.objects.create(source=source, department=str(adapter.department), file_date=file_date,
                                          original_name=_("data exchange"), sha256="", dry_run=False,
                                          status=SourceImport.Status.RUNNING, started_at=timezone.now(),
                                          created_by=actor)
        this_run = SourceImport.objects.filter(pk=job.pk)
        tally = _Tally(total=len(rows))
        with translation.override(settings.LANGUAGE_CODE):
            items = [_Row(i + 1, {name: row.get(name) for name in adapter.columns},
                          tuple(row.get(name) for name in adapter.columns)) for i, row in enumerate(rows)]
            seen: dict[str, int] = {}
            for start in range(0, len(items), CHUNK_ROWS):
                _process_chunk(items[start:start + CHUNK_ROWS], adapter, job, tally, this_run, seen)
        this_run.update(status=SourceImport.Status.COMPLETED, preview=tally.preview, finished_at=timezone.now(),
                        **tally.counters())
        audit_log(actor=actor, event_type="integrity.exchange_received", obj=job,
                  details={"source": source, **tally.counters()})
        if tally.person_hashes or tally.credit_codes:
            _screen_later(sorted(tally.person_hashes), sorted(tally.credit_codes))
    job.refresh_from_db()
    return job


def _open_rows(job: SourceImport) -> Iterator[XlsxRow]:
    with job.file.open("rb") as handle:
        yield from xlsx_rows(handle, limits=IMPORT_LIMITS)


def _process(job: SourceImport, this_run) -> tuple[_Tally, XlsxRow]:
    adapter = source_get(job.source)
    tally = _Tally()
    rows = _open_rows(job)
    header = next(rows, None)
    if header is None:
        raise XlsxRefused(_("The sheet is empty."), code="xlsx_empty")
    columns = xlsx_columns(header, adapter.columns)
    tally.total = sum(1 for _row in rows)
    if not this_run.update(rows_total=tally.total):
        raise _Superseded
    seen: dict[str, int] = {}
    chunk: list[_Row] = []
    rows = _open_rows(job)
    next(rows)
    for row in rows:
        chunk.append(_Row(row.number, {name: row.value(column) for name, column in columns.items()}, row.values))
        if len(chunk) == CHUNK_ROWS:
            _process_chunk(chunk, adapter, job, tally, this_run, seen)
            chunk = []
    if chunk:
        _process_chunk(chunk, adapter, job, tally, this_run, seen)
    return tally, header


def _subject(record: SourceRecord) -> tuple[str, str]:
    if record.id_number:
        return mask_id_number(record.id_number), record.person_name
    return record.credit_code, record.firm_name


@dataclass(frozen=True)
class _Row:
    number: int  # the row number in the file, or the position in an exchange's batch
    cells: dict  # field -> cell value, as the adapter reads them
    values: tuple  # every cell as sent, for the file of rejected rows


def _process_chunk(chunk: list[_Row], adapter: Source, job: SourceImport, tally: _Tally, this_run, seen) -> None:
    parsed: list[tuple[_Row, SourceRecord | None, str, list[str]]] = []
    for row in chunk:
        try:
            record = adapter.parse(row.cells)
        except RowRejected as exc:
            parsed.append((row, None, "", exc.reasons))
            continue
        key = _natural_key(record)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            parsed.append((row, None, "", [_("The same record is already on row %(row)d of this file.")
                                           % {"row": first}]))
            continue
        parsed.append((row, record, key, []))
    keys = [key for _row, record, key, _r in parsed if record is not None]
    existing = {key: (pk, content, import_id) for key, pk, content, import_id in ExternalRecord.objects.filter(
        kind=adapter.record_kind, natural_key__in=keys).values_list("natural_key", "pk", "content_hash",
                                                                    "source_import_id")}
    with transaction.atomic():
        for row, record, key, reasons in parsed:
            if record is None:
                tally.record(number=row.number, outcome=REJECTED, reasons=reasons,
                             values=tuple(_display(v) for v in row.values))
                continue
            subject, name = _subject(record)
            values = _values(record, job)
            outcome = _outcome(existing.get(key), values, job)
            if not job.dry_run and outcome != UNCHANGED:
                outcome = _write(adapter, key, values, outcome)
            if outcome in (CREATED, UPDATED):
                if values["person_hash"]:
                    tally.person_hashes.add(values["person_hash"])
                if values["credit_code"]:
                    tally.credit_codes.add(values["credit_code"])
            tally.record(number=row.number, outcome=outcome, subject=subject, name=name)
        # Progress and the chunk's records commit together; a superseded run rolls its chunk back.
        if not this_run.update(**{k: v for k, v in tally.counters().items() if k != "rows_total"}):
            raise _Superseded


def _outcome(existing, values: dict, job: SourceImport) -> str:
    if existing is None:
        return CREATED
    _pk, content, import_id = existing
    if content == values["content_hash"]:
        # Written by this same import in an earlier, interrupted run: it counts as what it was then.
        return CREATED if import_id == job.pk else UNCHANGED
    return UPDATED


def _write(adapter: Source, key: str, values: dict, outcome: str) -> str:
    try:
        with transaction.atomic():
            if outcome == CREATED:
                ExternalRecord.objects.create(kind=adapter.record_kind, natural_key=key, **values)
            else:
                ExternalRecord.objects.filter(kind=adapter.record_kind, natural_key=key).update(
                    updated_at=timezone.now(), **values)
    except IntegrityError:
        # Written by a concurrent import of the same fact between our look-up and insert.
        return UNCHANGED
    return outcome


def _write_rejected_file(job: SourceImport, header: XlsxRow, problems: list) -> str:
    """Every rejected row with its row number and reasons, in a workbook no cell of which can start a formula;
    ID numbers masked (the row number finds the row in the department's own file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    titles = [safe_cell_text(_display(v)) for v in header.values]
    sheet.append([_("Row"), *titles, _("Reasons")])
    width = len(titles)
    for number, values, reasons in problems:
        cells = [safe_cell_text(v) for v in values[:width]] + [""] * (width - min(len(values), width))
        sheet.append([number, *cells, safe_cell_text("；".join(str(r) for r in reasons))])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="integrity-rejected-")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as stored:
            return default_storage.save(f"integrity/rejected/{job.pk.hex}.xlsx", File(stored))
    finally:
        os.unlink(path)


def source_import_rejected_open(*, job: SourceImport, actor):
    """The file of rejected rows, opened for reading; the download is audited."""
    _require(actor, "integrity.view_sourceimport", _("You may not see department data imports."))
    if not job.rejected_file:
        raise NotFoundError()
    handle = job.rejected_file.open("rb")
    audit_log(actor=actor, event_type="integrity.import_rejected_downloaded", obj=job,
              details={"rows": job.rows_rejected})
    return handle
