"""Other departments' data (数据比对): each file imported is a SourceImport; each fact it gives is an
ExternalRecord, keyed on its natural key so a re-import of the same rows changes nothing.

A record names its person by the keyed hash of the resident ID number (the registry's `id_number_hash`), never
the number itself, and its firm by the public credit code: records match registry people and enterprises, also
those who register after the import, without the portal keeping ID numbers of people who never applied.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.imports.models import ImportJob


class RecordKind(models.TextChoices):
    INSURED_SPELL = "insured_spell", _("Insured employment (参保)")
    UI_BENEFIT = "ui_benefit", _("Unemployment-insurance benefit period (失业保险金)")
    ARREARS = "arrears", _("Social-insurance arrears (欠费)")
    FIRM_STATUS = "firm_status", _("Registration status of a firm (登记状态)")
    DEATH = "death", _("Death (死亡)")
    CUSTODY = "custody", _("Imprisonment (服刑)")
    MINIMUM_LIVING = "minimum_living", _("Minimum living allowance (低保)")
    GRADUATE = "graduate", _("Graduation (毕业)")
    DISABILITY = "disability", _("Disability certificate (残疾人证)")


def import_path(instance, filename):
    # A server-made name; the uploader's file name is kept only as data.
    return f"integrity/imports/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class SourceImport(ImportJob):
    """One department file (or, later, one batch from a live exchange), previewed first, then imported."""

    source = models.CharField(_("source"), max_length=32)  # a code of integrity.sources.SOURCES
    department = models.CharField(_("department"), max_length=64)
    file_date = models.DateField(_("date of the file"))
    file = models.FileField(upload_to=import_path, max_length=200)
    rejected_file = models.FileField(upload_to="integrity/rejected/", max_length=200, blank=True)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)

    class Meta(ImportJob.Meta):
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        constraints = [
            # One real import per preview, whatever is clicked twice.
            models.UniqueConstraint(fields=["preview_of"], condition=~Q(status="failed"),
                                    name="integrity_one_import_per_preview"),
        ]


class ExternalRecord(models.Model):
    kind = models.CharField(_("kind of record"), max_length=32, choices=RecordKind.choices)
    # Unique per kind: what makes two rows the same fact (e.g. person + benefit start).
    natural_key = models.CharField(max_length=200)
    person_hash = models.CharField(max_length=64, blank=True, db_index=True)
    person_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    person_name = models.CharField(_("name"), max_length=64, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    firm_name = models.CharField(_("firm"), max_length=128, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)  # None: still running
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    # Hash of the values, so a re-import can tell "unchanged" from "updated".
    content_hash = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=32)
    file_date = models.DateField(_("date of the file"))
    source_import = models.ForeignKey(SourceImport, on_delete=models.PROTECT, related_name="records",
                                      verbose_name=_("last import"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("external record")
        verbose_name_plural = _("external records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "natural_key"], name="integrity_record_natural_key"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                                   | Q(end_date__gte=F("start_date")), name="integrity_record_period_ordered"),
            models.CheckConstraint(condition=~Q(person_hash="") | ~Q(credit_code=""),
                                   name="integrity_record_has_subject"),
        ]
        indexes = [models.Index(fields=["kind", "person_hash"], name="integrity_record_person_idx"),
                   models.Index(fields=["kind", "credit_code"], name="integrity_record_firm_idx")]
