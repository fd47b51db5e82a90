"""Every write of the export machinery: request, run, download, purge."""

import hashlib
import logging
import os
import tempfile
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.core.masking import mask_id_numbers_in_text
from guangyuan_jobs.reports.models import ExportJob, export_path
from guangyuan_jobs.reports.registry import ReportDefinition, UnknownReport, get_report
from guangyuan_jobs.reports.tasks import export_run as export_run_task
from guangyuan_jobs.reports.writer import ReportWorkbook

logger = logging.getLogger(__name__)

# Rows between two progress updates: one cheap UPDATE every few hundred milliseconds of work.
PROGRESS_EVERY = 5000
# Rows fetched per round trip (a server-side cursor on PostgreSQL).
FETCH_CHUNK = 2000
FULL_VALUE_PERMISSIONS = ("reports.export_full_values", "registry.reveal_identity")


class ExportExpired(ApplicationError):
    http_status = 410
    default_code = "expired"


class _Superseded(Exception):
    """Another run of the same job started after this one (a redelivered task): this one stops."""


def report_for_code(code: str) -> ReportDefinition:
    try:
        return get_report(code)
    except UnknownReport as exc:
        raise ApplicationError(str(exc), code="unknown_report") from None


def report_permitted(user, report: ReportDefinition) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("reports.export_report")
                and user.has_perm(report.permission))


def full_values_permitted(user) -> bool:
    return all(user.has_perm(p) for p in FULL_VALUE_PERMISSIONS)


def export_start(*, report: str, filters: dict, actor, full_values: bool = False, reason: str = "") -> ExportJob:
    """Record an export request and queue it. Raises ForbiddenError or ValidationError, changing nothing."""
    definition = report_for_code(report)
    reason = (reason or "").strip()
    if not report_permitted(actor, definition) or (full_values and not full_values_permitted(actor)):
        # Written on its own: the refusal below must not roll the record of the attempt back.
        audit_log(actor=actor, event_type="reports.export_denied", outcome="denied", object_type="reports.report",
                  object_id=definition.code, details={"full_values": bool(full_values)})
        if full_values and report_permitted(actor, definition):
            raise ForbiddenError(_("You may not export full identity numbers."))
        raise ForbiddenError(_("You may not export this report."))
    if full_values and len(reason) < 2:
        raise ValidationError({"reason": [_("State why you need the full numbers.")]})
    if len(reason) > ExportJob._meta.get_field("reason").max_length:
        raise ValidationError({"reason": [_("The reason is too long (at most 200 characters).")]})
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Filters must be an object of names and values.")]})
    form = definition.filter_form(data=filters, user=actor)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    stored = form.to_json()
    with transaction.atomic():
        job = ExportJob.objects.create(report=definition.code, filters=stored, full_values=bool(full_values),
                                       reason=reason if full_values else "", requested_by=actor)
        audit_log(actor=actor, event_type="reports.export_requested", obj=job,
                  details={"report": definition.code, "filters": stored, "full_values": job.full_values,
                           "reason": job.reason})
        job_id = str(job.id)
        transaction.on_commit(lambda: export_run_task.delay(job_id), robust=True)
    return job


def _cover_lines(*, job: ExportJob, definition: ReportDefinition, filter_lines, rows: int) -> list[tuple]:
    user = job.requested_by
    now = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE))
    values = (_("Full values (reason: %(reason)s)") % {"reason": job.reason}) if job.full_values else _("Masked")
    filters = "\n".join(f"{label}: {value}" for label, value in filter_lines) or _("None")
    return [
        (pgettext("export cover", "Report"), str(definition.label)),
        (pgettext("export cover", "Filters applied"), filters),
        (pgettext("export cover", "Requested by"), f"{user.display_name or user.username} ({user.username})"),
        (pgettext("export cover", "Generated at"), f"{now:%Y-%m-%d %H:%M:%S} ({settings.TIME_ZONE})"),
        (pgettext("export cover", "Rows"), rows),
        (pgettext("export cover", "Identifiers"), values),
        (pgettext("export cover", "Export number"), str(job.id)),
    ]


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def export_run(*, job_id) -> None:
    """Produce the file of one job. A finished job is left alone; a running one (its worker died) restarts."""
    started = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status__in=(ExportJob.Status.PENDING, ExportJob.Status.RUNNING)) \
        .update(status=ExportJob.Status.RUNNING, started_at=started, rows_written=0, total_rows=None, error="",
                finished_at=None)
    if not claimed:
        return
    # Every later write names this run, so a superseded run can neither report progress nor finish.
    this_run = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING, started_at=started)
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    stored_name = None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            stored_name, rows, checksum = _export_write(job=job, this_run=this_run, path=path)
        finished = timezone.now()
        with transaction.atomic():
            done = this_run.update(
                status=ExportJob.Status.COMPLETED, file=stored_name, checksum=checksum, rows_written=rows,
                total_rows=rows, finished_at=finished,
                expires_at=finished + timedelta(days=settings.EXPORT_RETENTION_DAYS))
            if done:
                audit_log(actor=job.requested_by, event_type="reports.export_completed", obj=job,
                          details={"report": job.report, "rows": rows, "checksum": checksum,
                                   "full_values": job.full_values})
        if not done:
            default_storage.delete(stored_name)
    except _Superseded:
        if stored_name:
            default_storage.delete(stored_name)
    except Exception as exc:  # noqa: BLE001 - any failure must end in a visible failed state, never a silent loop
        logger.exception("export %s failed", job_id)
        if stored_name:
            default_storage.delete(stored_name)
        message = exc.message if isinstance(exc, ApplicationError) else f"{exc.__class__.__name__}: {exc}"
        with transaction.atomic():
            if this_run.update(status=ExportJob.Status.FAILED, error=mask_id_numbers_in_text(str(message))[:2000],
                               finished_at=timezone.now()):
                audit_log(actor=job.requested_by, event_type="reports.export_failed", obj=job, outcome="failure",
                          details={"report": job.report, "error": exc.__class__.__name__})
    finally:
        os.unlink(path)


def _export_write(*, job: ExportJob, this_run, path: str) -> tuple[str, int, str]:
    definition = report_for_code(job.report)
    user = job.requested_by
    # Checked again at run time: a role withdrawn since the request withdraws the export too.
    if not report_permitted(user, definition) or (job.full_values and not full_values_permitted(user)):
        raise ForbiddenError(_("The requester may no longer export this report."))
    form = definition.filter_form(data=job.filters, user=user)
    if not form.is_valid():
        raise ApplicationError(_("The filters are no longer valid: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    queryset = definition.queryset(user, form.cleaned_data)
    this_run.update(total_rows=queryset.order_by().count())

    def progress(rows: int) -> None:
        if not this_run.update(rows_written=rows):
            raise _Superseded

    book = ReportWorkbook(title=str(definition.label), columns=definition.columns, full_values=job.full_values)
    fetched = queryset.values_list(*book.plan.paths).iterator(chunk_size=FETCH_CHUNK)
    rows = book.write_rows(fetched, progress=progress, every=PROGRESS_EVERY)
    book.write_cover(_cover_lines(job=job, definition=definition, filter_lines=form.describe(), rows=rows))
    book.save(path)
    checksum = _sha256(path)
    with open(path, "rb") as handle:
        stored_name = default_storage.save(export_path(job, ""), File(handle))
    return stored_name, rows, checksum


@transaction.atomic
def export_download_open(*, job: ExportJob, actor):
    """The finished file, opened for reading, after checking the actor may still have it; audited."""
    definition = report_for_code(job.report)
    if job.requested_by_id != actor.pk or not report_permitted(actor, definition) or (
            job.full_values and not full_values_permitted(actor)):
        raise ForbiddenError(_("You may not download this export."))
    if job.status == ExportJob.Status.EXPIRED:
        raise ExportExpired(_("This export has expired and its file was deleted. Request it again."))
    if job.status != ExportJob.Status.COMPLETED or not job.file:
        raise ConflictError(_("This export is not finished yet."), code="not_ready")
    handle = job.file.open("rb")
    audit_log(actor=actor, event_type="reports.export_downloaded", obj=job,
              details={"report": job.report, "rows": job.rows_written, "checksum": job.checksum,
                       "full_values": job.full_values})
    return handle


def export_purge_expired() -> int:
    """Delete the files of exports past their expiry and mark the jobs expired. Returns how many."""
    now = timezone.now()
    purged = 0
    due = ExportJob.objects.filter(status=ExportJob.Status.COMPLETED, expires_at__lte=now).values_list("id", "file")
    for job_id, name in list(due):
        with transaction.atomic():
            if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.COMPLETED).update(
                    status=ExportJob.Status.EXPIRED, file=""):
                continue
            audit_log(actor=None, event_type="reports.export_expired", object_type="reports.exportjob",
                      object_id=str(job_id), details={"file_deleted": bool(name)})
        if name:
            # After the commit: a crash in between leaves an orphan file for a cleanup, never a dead link.
            default_storage.delete(name)
        purged += 1
    return purged
