"""Effective-dated policy parameters and the working-day calendar: rules read their numbers here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyDocument(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        SICHUAN = "sichuan", _("Sichuan")
        GUANGYUAN = "guangyuan", _("Guangyuan")
        OTHER = "other", _("Other locality")

    doc_no = models.CharField(_("document number"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=255)
    issuer = models.CharField(_("issuer"), max_length=128, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_on", "doc_no"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self):
        return f"{self.doc_no} {self.title}".strip()


class PolicyParameter(models.Model):
    """One value of one parameter for one region over one period. Never edited in place: a change is a new
    row with a later `valid_from`, and the old row gets a `valid_to`, so decisions can be replayed."""

    class ValueType(models.TextChoices):
        DECIMAL = "decimal", _("Decimal")
        INTEGER = "integer", _("Integer")
        TEXT = "text", _("Text")
        BOOLEAN = "boolean", _("Yes/no")
        DATE = "date", _("Date")
        JSON = "json", _("Structured")

    class Confidence(models.TextChoices):
        VERIFIED = "verified", _("Verified (✅)")
        SECONDARY = "secondary", _("Secondary source (⚠️)")
        UNVERIFIED = "unverified", _("Unverified (❓)")

    key = models.CharField(_("key"), max_length=100, db_index=True)
    value = models.JSONField(_("value"))
    value_type = models.CharField(_("type"), max_length=16, choices=ValueType.choices)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"),
        help_text=_("Empty means national."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Inclusive; empty means open."))
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("document"))
    confidence = models.CharField(_("confidence"), max_length=16, choices=Confidence.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["key", "region_id", "-valid_from"]
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")
        constraints = [
            models.UniqueConstraint(fields=["key", "region", "valid_from"], name="policy_parameter_unique_start"),
            models.UniqueConstraint(fields=["key", "valid_from"], condition=models.Q(region__isnull=True),
                                    name="policy_parameter_unique_start_national"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="policy_parameter_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.key} = {self.value}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known; other years count Monday to Friday."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    source = models.CharField(_("source"), max_length=200)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a weekday holiday or a weekend make-up working day."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(pgettext_lazy("holiday", "name"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception day")
        verbose_name_plural = _("calendar exception days")
