"""Project packages (项目包) with their entry conditions, the training institutions and their sign-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models.catalogue import Occupation, PlanLine, SkillLevel


class TrainingPackage(models.Model):
    """A package of the plan put out to institutions. Not published: it can be neither drawn nor paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published, taking sign-ups")
        POOL_FROZEN = "pool_frozen", _("Pool frozen, awaiting the draw")
        DRAWN = "drawn", _("Institution drawn")
        CLOSED = "closed", _("Closed")

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="packages",
                                  verbose_name=_("plan line"))
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="packages",
                                   verbose_name=_("occupation"))
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    implementing_unit = models.CharField(_("implementing unit"), max_length=128)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    seats = models.PositiveIntegerField(_("seats"))
    hours = models.PositiveIntegerField(_("class hours"))
    subsidy_standard = models.DecimalField(_("subsidy per trainee (yuan)"), max_digits=10, decimal_places=2)
    # Entry conditions (师资队伍、培训场地、设施设备), published with the package.
    min_teachers = models.PositiveSmallIntegerField(_("minimum teachers"))
    min_premises_m2 = models.PositiveIntegerField(_("minimum premises (m²)"))
    equipment_required = models.TextField(_("equipment required"))
    signup_deadline = models.DateField(_("sign-up deadline"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The frozen pool: its canonical document (training.lottery.pool_document) and SHA-256.
    pool_document = models.JSONField(null=True, blank=True)
    pool_sha256 = models.CharField(_("pool SHA-256"), max_length=64, blank=True)
    pool_frozen_at = models.DateTimeField(_("pool frozen"), null=True, blank=True)
    contractor = models.ForeignKey("training.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="contracts", verbose_name=_("contracted institution"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("manage_training", "Can run the training programme (plans, packages, checks, draws)")]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0) & Q(hours__gt=0) & Q(subsidy_standard__gt=0),
                                   name="package_numbers_positive"),
            models.CheckConstraint(condition=Q(status="draft") | Q(published_at__isnull=False),
                                   name="package_published_has_date"),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]) | ~Q(pool_sha256=""),
                                   name="package_frozen_has_pool_hash"),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"


class Institution(models.Model):
    """A training institution (承训机构): an enterprise applicant account's firm, registered to train."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    code = models.CharField(_("institution code"), max_length=18, unique=True)  # its credit code
    enterprise = models.OneToOneField("registry.Enterprise", on_delete=models.PROTECT, related_name="institution")
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    licence_no = models.CharField(_("school-running licence no."), max_length=64)
    contact_name = models.CharField(_("contact"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


def evidence_path(instance, filename):
    return f"training/signups/{instance.package.ref}/{instance.institution.code}"


class SignUp(models.Model):
    """An institution's application to a package, with its evidence, checked against the conditions."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting check")
        ELIGIBLE = "eligible", _("Meets the conditions")
        INELIGIBLE = "ineligible", _("Does not meet the conditions")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    package = models.ForeignKey(TrainingPackage, on_delete=models.PROTECT, related_name="signups")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="signups")
    teachers = models.PositiveSmallIntegerField(_("teachers"))
    premises_m2 = models.PositiveIntegerField(_("premises (m²)"))
    equipment = models.TextField(_("equipment"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    check_note = models.TextField(_("check note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["package", "institution"], condition=~Q(status="withdrawn"),
                                    name="signup_one_live_per_package"),
        ]
