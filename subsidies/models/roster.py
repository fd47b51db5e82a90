"""Imports of the social-insurance agency's roster for 免申即享 stable-post refunds."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.imports.models import ImportJob


def roster_path(instance, filename):
    # A server-made name. The file is stored before created_at is filled in (fields save in order), so the
    # month is today's.
    return f"rosters/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class RosterImport(ImportJob):
    premium_year = models.PositiveSmallIntegerField(_("premium year"))
    file = models.FileField(upload_to=roster_path, max_length=200)
    rejected_file = models.FileField(upload_to="rosters/rejected/", max_length=200, blank=True)
    rows_eligible = models.PositiveIntegerField(default=0)
    rows_ineligible = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)

    class Meta(ImportJob.Meta):
        pass
