"""The fields every import job has. Abstract: each app keeps its own table, with its own columns added (what
the file is about, and a counter per outcome of a row)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    PREVIEWED = "previewed", _("Preview ready")
    COMPLETED = "completed", _("Imported")
    FAILED = "failed", _("Failed")


FINISHED = (ImportStatus.PREVIEWED, ImportStatus.COMPLETED)


class ImportJob(models.Model):
    """One uploaded file, previewed (dry_run) or imported for real. A concrete model declares `file` and
    `rejected_file` (their storage folders are its own) and its counters (`rows_<outcome>`)."""

    Status = ImportStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("preview only"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    # The first rows that go through and every problem row with its reasons, shown on the result page.
    preview = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # The preview this import carries out for real (same stored file).
    preview_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the current run started; a run started later (a redelivered task) supersedes it.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
