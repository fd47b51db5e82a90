"""Roster imports: lists of people of a group (poverty roster, graduate roster from the education department,
village lists) read from .xlsx, previewed first, then imported; keyed on the ID number."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def roster_path(instance, filename):
    return f"pg-rosters/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class PersonRosterImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Preview ready")
        COMPLETED = "completed", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey("priority_groups.GroupCode", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("group"))
    valid_from = models.DateField(_("member from"))
    evidence = models.CharField(_("list"), max_length=200, help_text=_("Which list this is, e.g. the education "
                                                                     "department's 2026 graduate roster."))
    file = models.FileField(upload_to=roster_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField(_("preview only"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list, blank=True)
    rejected_file = models.FileField(upload_to="pg-rosters/rejected/", max_length=200, blank=True)
    error = models.TextField(blank=True)
    preview_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self):
        return self.original_name
