"""Entrepreneurship parks (返乡创业示范园区, 大学生创业孵化园/基地, 创业孵化基地): their certification against the
scored standard, periodic re-evaluation, resident firms and the jobs they create (DOMAIN.md §5.3; the 2020
report: the Center drafted the 返乡创业示范园 standard and certification rules, and 7 provincial university-student
parks passed their re-evaluation).

The standard itself is a policy parameter (`parks.criteria`, effective-dated): an application keeps a snapshot
of the criteria and pass mark in force on the day it was filed, so a later change of the standard never
changes a score sheet already open. Scores are points; the total is computed, never typed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

SCORE = {"max_digits": 6, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}


class ParkKind(models.TextChoices):
    RURAL_RETURN = "rural_return", _("Returning-entrepreneur demonstration park (返乡创业示范园区)")
    STUDENT = "student", _("University-student incubation park (大学生创业孵化园/基地)")
    INCUBATOR = "incubator", _("Start-up incubation base (创业孵化基地)")


class ParkLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class ParkStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, not certified")
    CERTIFIED = "certified", _("Certified")
    WITHDRAWN = "withdrawn", _("Certification withdrawn")


class Park(models.Model):
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=ParkKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=ParkLevel.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    operator = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="parks",
                                 verbose_name=_("operator"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    address = models.CharField(_("address"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ParkStatus.choices, default=ParkStatus.REGISTERED)
    # The end of the certificate in force (copied from it for lists and the due-for-re-evaluation query).
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("entrepreneurship park")
        verbose_name_plural = _("entrepreneurship parks")
        permissions = [
            ("evaluate_park", "Score park certification applications"),
            ("decide_certification", "Decide park certifications"),
            ("record_park_activity", "Record a park's resident firms and jobs"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="park_area_positive"),
            models.UniqueConstraint(fields=["operator", "name"], name="park_unique_name_per_operator"),
        ]

    def __str__(self):
        return self.name


class ApplicationPurpose(models.TextChoices):
    INITIAL = "initial", _("Certification")
    REEVALUATION = "reevaluation", _("Re-evaluation")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting evaluation")
    EVALUATING = "evaluating", _("Being evaluated")
    CERTIFIED = "certified", _("Certified")
    REFUSED = "refused", _("Refused")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.EVALUATING)


class CertificationApplication(models.Model):
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="applications")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ApplicationPurpose.choices)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    # The standard in force on the filing date: [{"code", "label", "max_score", "evidence"}], and its pass mark.
    criteria = models.JSONField(_("criteria"))
    pass_mark = models.DecimalField(_("pass mark"), **SCORE)
    parameters = models.JSONField(default=dict)  # snapshots of the parameters used, for replay
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    total_score = models.DecimalField(_("total score"), null=True, blank=True, **SCORE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        constraints = [
            # One open application (or re-evaluation) per park at a time.
            models.UniqueConstraint(fields=["park"], condition=Q(status__in=["submitted", "evaluating"]),
                                    name="park_one_open_application"),
        ]

    def __str__(self):
        return self.ref


def evidence_path(instance, filename):
    # A server-made name: the uploader's file name is kept only as data.
    return f"parks/{instance.application.ref}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    application = models.ForeignKey(CertificationApplication, on_delete=models.PROTECT, related_name="evidence")
    criterion_code = models.CharField(_("criterion"), max_length=32)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion_code", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Evaluation(models.Model):
    """One evaluator's score sheet for one application."""

    application = models.ForeignKey(CertificationApplication, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), **SCORE)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="park_one_evaluation_per_evaluator"),
            models.CheckConstraint(condition=Q(total__gte=0), name="park_evaluation_total_not_negative"),
        ]


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion_code = models.CharField(_("criterion"), max_length=32)
    score = models.DecimalField(_("score"), **SCORE)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion_code"], name="park_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0), name="park_score_not_negative"),
        ]


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Renewed by a later certificate")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Certificate(models.Model):
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="certificates")
    application = models.OneToOneField(CertificationApplication, on_delete=models.PROTECT,
                                       related_name="certificate")
    level = models.CharField(_("level"), max_length=16, choices=ParkLevel.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("status"), max_length=16, choices=CertificateStatus.choices,
                              default=CertificateStatus.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_reason = models.TextField(_("why it ended"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("park certificate")
        verbose_name_plural = _("park certificates")
        constraints = [
            models.UniqueConstraint(fields=["park"], condition=Q(status="active"), name="park_one_active_certificate"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="park_certificate_period_ordered"),
        ]

    def __str__(self):
        return self.number


class ParkAward(models.Model):
    """以奖代补: the reward a certified demonstration park receives once, recorded on its certification."""

    park = models.OneToOneField(Park, on_delete=models.PROTECT, related_name="award")
    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="award")
    amount = models.DecimalField(_("amount"), **MONEY)
    parameter = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("park award")
        verbose_name_plural = _("park awards")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="park_award_amount_positive")]


class Resident(models.Model):
    """A firm from the enterprise registry housed in a park, from its move-in to its move-out."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="residents")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("firm"))
    moved_in_on = models.DateField(_("moved in on"))
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_in_on", "-id"]
        verbose_name = _("resident firm")
        verbose_name_plural = _("resident firms")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise"], condition=Q(moved_out_on__isnull=True),
                                    name="park_resident_once_at_a_time"),
            models.CheckConstraint(condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=F("moved_in_on")),
                                   name="park_resident_period_ordered"),
        ]


class JobsReport(models.Model):
    """Jobs a resident firm created in one month, reported by the park's operator or the Center's staff."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="jobs_reports")
    period = models.DateField(_("month"))  # the first day of the month
    jobs_created = models.PositiveIntegerField(_("jobs created"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "id"]
        verbose_name = _("jobs report")
        verbose_name_plural = _("jobs reports")
        constraints = [
            models.UniqueConstraint(fields=["resident", "period"], name="park_one_jobs_report_per_month"),
        ]
