"""Imports of other departments' files (数据比对): upload, preview (a dry run that writes nothing but its counts
and reasons), import for real from the same stored file, with progress, a file of rejected rows, and an audit
event at each step.

Idempotent: each record is keyed on its natural key, so a re-import of the same rows counts them unchanged and
writes nothing; a changed row updates its record. A run killed midway is started again from the top by the
redelivered task. A real import then screens again the cases of the people and firms whose records changed.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.core.masking import mask_id_number
from guangyuan_jobs.core.xlsx import XlsxLimits
from guangyuan_jobs.imports import services as imports
from guangyuan_jobs.imports.services import ImportRow, ImportRun, ImportSpec
from integrity import sources
from integrity.models import ExternalRecord, SourceImport
from integrity.sources import SOURCES, Source, SourceRecord

IMPORT_LIMITS = XlsxLimits(max_rows=200_000, max_columns=32)

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOME_LABELS = {
    CREATED: gettext_lazy("New record"),
    UPDATED: gettext_lazy("Record changed"),
    UNCHANGED: gettext_lazy("Already imported"),
    REJECTED: gettext_lazy("Bad data"),
}


def _require(actor, permission: str, message) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(message)


def _require_import(actor) -> None:
    _require(actor, "integrity.add_sourceimport", _("You may not import department data."))


def source_get(code: str) -> Source:
    source = SOURCES.get(code)
    if source is None:
        raise ApplicationError(_("Choose the kind of file."), code="unknown_source")
    return source


def source_import_start(*, source: str, file_date, file, actor) -> SourceImport:
    """Store an uploaded department file and queue its preview. Refuses (changing nothing) a user without the
    permission, an unknown kind of file, a file date in the future, and any file core.xlsx refuses."""
    _require_import(actor)
    adapter = source_get(source)
    if file_date is None or file_date > timezone.localdate():
        raise ApplicationError(_("The file's date is the day the department produced it: not a future day."),
                               code="file_date")
    return imports.job_start(SPEC, file=file, actor=actor, default_name=f"{source}.xlsx", fields={
        "source": source, "department": str(adapter.department), "file_date": file_date})


# --- running ---------------------------------------------------------------------------------------------------


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


def _subject(record: SourceRecord) -> tuple[str, str]:
    if record.id_number:
        return mask_id_number(record.id_number), record.person_name
    return record.credit_code, record.firm_name


@dataclass
class _RunContext:
    adapter: Source
    person_hashes: set = field(default_factory=set)  # subjects whose records changed, screened afterwards
    credit_codes: set = field(default_factory=set)


class SourceImportSpec(ImportSpec):
    """A department's file: each row one fact (an ExternalRecord) keyed on its natural key, so a re-import of
    the same rows changes nothing and a changed row updates its record."""

    model = SourceImport
    task = "integrity.tasks.source_import_run"
    events = {"started": "integrity.import_started", "finished": "integrity.import_finished",
              "failed": "integrity.import_failed", "rejected_downloaded": "integrity.import_rejected_downloaded"}
    log_name = "integrity import"
    limits = IMPORT_LIMITS
    chunk_rows = 500
    rejected_dir = "integrity/rejected/"
    counters = {CREATED: ("rows_created",), UPDATED: ("rows_updated",), UNCHANGED: ("rows_unchanged",),
                REJECTED: ("rows_rejected",)}
    outcome_labels = OUTCOME_LABELS
    preview_blank = {"subject": "", "name": ""}
    copy_fields = ("source", "department", "file_date")

    def require_import(self, actor):
        _require_import(actor)

    def require_view(self, actor):
        _require(actor, "integrity.view_sourceimport", _("You may not see department data imports."))

    def columns_for(self, job):
        return source_get(job.source).columns

    def started_details(self, job):
        return {"source": job.source, "file_date": job.file_date.isoformat()}

    def finished_details(self, job):
        return {"source": job.source}

    def run_context(self, job):
        return _RunContext(adapter=source_get(job.source))

    def parse(self, row, context):
        try:
            return context.adapter.parse(row.cells)
        except sources.RowRejected as exc:
            raise imports.RowRejected(exc.reasons) from None

    def key(self, item):
        return _natural_key(item)

    def prefetch(self, job, entries, context):
        return {key: (pk, content, import_id) for key, pk, content, import_id in ExternalRecord.objects.filter(
            kind=context.adapter.record_kind, natural_key__in=[e.key for e in entries],
        ).values_list("natural_key", "pk", "content_hash", "source_import_id")}

    def handle(self, job, entry, found, context, tally):
        record: SourceRecord = entry.item
        subject, name = _subject(record)
        values = _values(record, job)
        outcome = _outcome(found.get(entry.key), values, job)
        if not job.dry_run and outcome != UNCHANGED:
            outcome = _write(context.adapter, entry.key, values, outcome)
        if outcome in (CREATED, UPDATED):
            if values["person_hash"]:
                context.person_hashes.add(values["person_hash"])
            if values["credit_code"]:
                context.credit_codes.add(values["credit_code"])
        tally.record(entry.row, outcome, subject=subject, name=name)

    def finished(self, job, context):
        if not job.dry_run:
            _screen_later(context)


SPEC = SourceImportSpec()
# Import for real a finished preview's file (a second click returns the same import); process one import (the
# Celery task's body); open the file of rejected rows (audited).
source_import_commit, source_import_run, source_import_rejected_open = SPEC.commit, SPEC.run, SPEC.rejected_open


def _screen_later(context: _RunContext) -> None:
    from integrity.tasks import screen_subjects

    if context.person_hashes or context.credit_codes:
        person_hashes, credit_codes = sorted(context.person_hashes), sorted(context.credit_codes)
        transaction.on_commit(lambda: screen_subjects.delay(person_hashes, credit_codes))


def source_records_receive(*, source: str, rows: list[dict], file_date, actor) -> SourceImport:
    """Records from a live data exchange (a department's API) instead of a file: the same adapter checks each
    row (a dict of field -> value), the same keys keep it idempotent, the same screening follows. Runs at once,
    for batches of the exchange's size; returns the finished import (bad rows listed in its preview)."""
    _require_import(actor)
    adapter = source_get(source)
    with transaction.atomic():
        job = SourceImport.objects.create(source=source, department=str(adapter.department), file_date=file_date,
                                          original_name=_("data exchange"), sha256="", dry_run=False,
                                          status=SourceImport.Status.RUNNING, started_at=timezone.now(),
                                          created_by=actor)
        run = ImportRun(SPEC, job, SourceImport.objects.filter(pk=job.pk), total=len(rows))
        with translation.override(settings.LANGUAGE_CODE):
            run.rows(ImportRow(i + 1, {name: row.get(name) for name in adapter.columns},
                               tuple(row.get(name) for name in adapter.columns)) for i, row in enumerate(rows))
        counters = run.tally.counters()
        run.this_run.update(status=SourceImport.Status.COMPLETED, preview=run.tally.preview,
                            finished_at=timezone.now(), **counters)
        audit_log(actor=actor, event_type="integrity.exchange_received", obj=job,
                  details={"source": source, **counters})
        _screen_later(run.context)
    job.refresh_from_db()
    return job


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
