"""Imports of the social-insurance agency's roster for 免申即享 stable-post refunds."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def roster_path(instance, filename):
    # A server-made name. The file is stored before created_at is filled in (fields save in order), so the
    # month is today's.
    return f"rosters/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class RosterImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Preview ready")
        COMPLETED = "completed", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    premium_year = models.PositiveSmallIntegerField(_("premium year"))
    file = models.FileField(upload_to=roster_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("preview only"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_eligible = models.PositiveIntegerField(default=0)
    rows_ineligible = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    # The first rows of the preview and every rejected row with its reason, shown on the result page.
    preview = models.JSONField(default=list, blank=True)
    rejected_file = models.FileField(upload_to="rosters/rejected/", max_length=200, blank=True)
    error = models.TextField(blank=True)
    # The preview this import carries out for real (same stored file).
    preview_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the current run started; a run started later (a redelivered task) supersedes it.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
