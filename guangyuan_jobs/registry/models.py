"""People, enterprises and administrative divisions: every other app refers to these."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guangyuan_jobs.core.crypto import decrypt_value
from guangyuan_jobs.core.identifiers import parse_resident_id


class Region(models.Model):
    """A GB/T 2260 division (6 digits) or a statistical town/village code (9/12 digits)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")
        TOWNSHIP = "township", _("Township or street")
        VILLAGE = "village", _("Village or community")

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(pgettext_lazy("region", "name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    former_names = models.CharField(_("former names"), max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Person(models.Model):
    """A natural person, keyed on the resident ID number, which is stored encrypted."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    name = models.CharField(_("name"), max_length=64)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    bank_account_encrypted = models.TextField(blank=True, editable=False)
    bank_account_masked = models.CharField(_("bank account"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("reveal_identity", "Can reveal full ID numbers and bank accounts")]

    def __str__(self):
        return f"{self.name}（{self.id_number_masked}）"

    @property
    def id_number(self) -> str:
        """The full number. Callers outside registry use `person_reveal`, which audits the access."""
        return decrypt_value(self.id_number_encrypted)

    @property
    def bank_account(self) -> str:
        return decrypt_value(self.bank_account_encrypted)

    @property
    def birth_date(self) -> datetime.date:
        """Read from the encrypted number, never stored apart: the masked ID hides exactly the birth date,
        so a clear birth-date column beside it would give the full number back."""
        return parse_resident_id(self.id_number).birth_date


class Enterprise(models.Model):
    """An employer or other unit, keyed on its unified social credit code (public, not encrypted)."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(pgettext_lazy("enterprise", "name"), max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=8, blank=True)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=128, blank=True)
    bank_account_encrypted = models.TextField(blank=True, editable=False)
    bank_account_masked = models.CharField(_("bank account"), max_length=32, blank=True, editable=False)
    credit_code_warning = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    @property
    def bank_account(self) -> str:
        return decrypt_value(self.bank_account_encrypted)

    @property
    def birth_date(self) -> datetime.date:
        """Read from the encrypted number, never stored apart: the masked ID hides exactly the birth date,
        so a clear birth-date column beside it would give the full number back."""
        return parse_resident_id(self.id_number).birth_date


class EnterpriseSizeClass(models.Model):
    """Size class is effective-dated with its source (DOMAIN.md §2.1), not a live attribute."""

    class SizeClass(models.TextChoices):
        LARGE = "large", _("Large")
        SME = "sme", _("Small, medium or micro")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="size_classes")
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "-valid_from"]
        verbose_name = _("enterprise size class")
        verbose_name_plural = _("enterprise size classes")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "valid_from"], name="registry_size_class_unique_start"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="registry_size_class_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_size_class_display()} {self.valid_from}–{self.valid_to or ''}"
