"""Roster imports: lists of people of a group (poverty roster, graduate roster from the education department,
village lists) read from .xlsx, previewed first, then imported; keyed on the ID number."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.imports.models import ImportJob


def roster_path(instance, filename):
    return f"pg-rosters/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class PersonRosterImport(ImportJob):
    group = models.ForeignKey("priority_groups.GroupCode", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("group"))
    valid_from = models.DateField(_("member from"))
    evidence = models.CharField(_("list"), max_length=200, help_text=_("Which list this is, e.g. the education "
                                                                     "department's 2026 graduate roster."))
    file = models.FileField(upload_to=roster_path, max_length=200)
    rejected_file = models.FileField(upload_to="pg-rosters/rejected/", max_length=200, blank=True)
    rows_new = models.PositiveIntegerField(default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
