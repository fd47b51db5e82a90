"""Delivery: classes filed under a package (开班备案) with their trainees and attendance, four-fold supervision
(四重监管), the third party's acceptance score, and the institution's training-subsidy claim detail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TrainingClass(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    package = models.ForeignKey("training.TrainingPackage", on_delete=models.PROTECT, related_name="classes")
    institution = models.ForeignKey("training.Institution", on_delete=models.PROTECT, related_name="classes")
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    address = models.CharField(_("address"), max_length=200)
    teacher_names = models.CharField(_("teachers"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="class_dates_ordered")]

    def __str__(self):
        return self.ref


class Trainee(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("Not assessed")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    training_class = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="trainees")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    attended_hours = models.PositiveIntegerField(_("hours attended"), default=0)
    completed = models.BooleanField(_("completed"), default=False)
    result = models.CharField(_("assessment"), max_length=16, choices=Result.choices, default=Result.PENDING)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    employed_after = models.BooleanField(_("employed after training"), default=False)
    # The training-subsidy claim that counts this trainee, from its review until it closes: what tells the
    # skill-upgrade subsidy that the certificate is already claimed here.
    claimed_in = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training_class", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="trainee_once_per_class"),
            models.UniqueConstraint(fields=["certificate_no"], condition=~Q(certificate_no=""),
                                    name="trainee_certificate_unique"),
        ]


class ClassDay(models.Model):
    """A day of class with the hours taught; who was present is in Attendance."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="days")
    day = models.DateField(_("day"))
    hours = models.PositiveSmallIntegerField(_("hours"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training_class", "day"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "day"], name="class_day_once"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=12), name="class_day_hours_range"),
        ]


class Attendance(models.Model):
    class_day = models.ForeignKey(ClassDay, on_delete=models.CASCADE, related_name="attendance")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["class_day", "trainee"], name="attendance_once")]


class SupervisionRecord(models.Model):
    class Layer(models.TextChoices):
        ON_SITE = "on_site", _("On-site supervision by the training administrator")
        SPOT_CHECK = "spot_check", _("Spot check by the HRSS bureau")
        PARTNER = "partner", _("Partner department participation")
        THIRD_PARTY = "third_party", _("Third-party evaluation")

    class Status(models.TextChoices):
        NO_FINDING = "no_finding", _("No finding")
        OPEN = "open", _("Correction required")
        CLOSED = "closed", _("Corrected and closed")

    training_class = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="supervisions")
    layer = models.CharField(_("supervision layer"), max_length=16, choices=Layer.choices)
    visited_on = models.DateField(_("visited on"))
    inspector = models.CharField(_("inspector"), max_length=64)
    findings = models.TextField(_("findings"))
    correction_required = models.TextField(_("correction required"), blank=True)
    correction_due = models.DateField(_("correct by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    follow_up = models.TextField(_("follow-up"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="open") | Q(correction_due__isnull=False),
                                   name="supervision_open_has_due_date"),
        ]


class Acceptance(models.Model):
    """The tendered third party's acceptance and performance evaluation (验收/绩效评估) of a class."""

    training_class = models.OneToOneField(TrainingClass, on_delete=models.PROTECT, related_name="acceptance")
    evaluator = models.CharField(_("evaluating agency"), max_length=128)
    roster_score = models.DecimalField(_("roster check"), max_digits=5, decimal_places=2)
    attendance_score = models.DecimalField(_("attendance"), max_digits=5, decimal_places=2)
    hours_score = models.DecimalField(_("class hours"), max_digits=5, decimal_places=2)
    pass_rate_score = models.DecimalField(_("pass rate"), max_digits=5, decimal_places=2)
    employment_score = models.DecimalField(_("employment after training"), max_digits=5, decimal_places=2)
    satisfaction_score = models.DecimalField(_("satisfaction"), max_digits=5, decimal_places=2)
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2)
    tranche_share = models.DecimalField(_("share of the subsidy payable"), max_digits=4, decimal_places=3)
    policy_snapshot = models.JSONField(default=dict)
    evaluated_on = models.DateField(_("evaluated on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total_score__gte=0) & Q(total_score__lte=100),
                                   name="acceptance_score_range"),
            models.CheckConstraint(condition=Q(tranche_share__gte=0) & Q(tranche_share__lte=1),
                                   name="acceptance_share_range"),
        ]


class TrainingSubsidyDetail(models.Model):
    """培训补贴 (PXBT) claimed by the institution for one class: qualified trainees x standard x tranche share."""

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="training_subsidy")
    training_class = models.ForeignKey(TrainingClass, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("training.Institution", on_delete=models.PROTECT, related_name="+")
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training_class"], condition=Q(voided=False),
                                    name="pxbt_once_per_class"),
        ]
