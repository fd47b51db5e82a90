"""Employment and unemployment registration (就业登记/失业登记) and the registration certificate
(就业创业证), DOMAIN.md §9.2: one certificate per ID number, its number never changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmploymentCertificate(models.Model):
    """就业创业证: 18 digits = county code (6) + 户籍性质 (01 urban, 02 rural) + year (2) + sequence (8)."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="employment_certificate",
                                  verbose_name=_("person"))
    number = models.CharField(_("certificate number"), max_length=18, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("employment and entrepreneurship certificate")
        verbose_name_plural = _("employment and entrepreneurship certificates")

    def __str__(self):
        return self.number


class EmploymentRegistration(models.Model):
    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment registration (就业登记)")
        UNEMPLOYMENT = "unemployment", _("Unemployment registration (失业登记)")

    class Form(models.TextChoices):
        """就业类型 (1 单位就业, 2 灵活就业), with the new forms of employment apart."""

        UNIT = "unit", _("Employed by a unit")
        FLEXIBLE = "flexible", _("Flexible employment")
        PLATFORM = "platform", _("Platform work (new form of employment)")
        SELF_EMPLOYED = "self_employed", _("Self-employed")

    class EndReason(models.TextChoices):
        EMPLOYED = "employed", _("Found work")
        LEFT_JOB = "left_job", _("Left the job")
        MOVED = "moved", _("Moved away")
        RETIRED = "retired", _("Retired")
        NO_CONTACT = "no_contact", _("No contact / no longer seeking work")
        OTHER = "other", _("Other")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="employment_registrations",
                               verbose_name=_("person"))
    kind = models.CharField(_("registration"), max_length=16, choices=Kind.choices)
    form = models.CharField(_("form of employment"), max_length=16, choices=Form.choices, blank=True)
    employer = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("employer"))
    employer_name = models.CharField(_("employer or platform"), max_length=128, blank=True)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("registered at"))
    registered_on = models.DateField(_("registered on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason ended"), max_length=16, choices=EndReason.choices, blank=True)
    certificate = models.ForeignKey(EmploymentCertificate, on_delete=models.PROTECT, related_name="registrations")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-registered_on"]
        verbose_name = _("employment or unemployment registration")
        verbose_name_plural = _("employment and unemployment registrations")
        constraints = [
            # A person is registered either employed or unemployed, never both at once.
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True),
                                    name="pg_registration_one_open_per_person"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                                   name="pg_registration_period_ordered"),
            models.CheckConstraint(condition=Q(kind="unemployment", form="") | Q(kind="employment") & ~Q(form=""),
                                   name="pg_registration_form_for_employment_only"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.registered_on}"
