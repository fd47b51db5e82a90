"""The occupation catalogue, the departments' demand lines and the yearly plan with its revisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    """National vocational skill levels, 五级 (junior) to 一级 (senior technician)."""

    LEVEL_5 = 5, _("Level 5 (初级工)")
    LEVEL_4 = 4, _("Level 4 (中级工)")
    LEVEL_3 = 3, _("Level 3 (高级工)")
    LEVEL_2 = 2, _("Level 2 (技师)")
    LEVEL_1 = 1, _("Level 1 (高级技师)")


class Occupation(models.Model):
    """职业工种, coded as in the national occupation classification (e.g. 4-10-01-02)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("occupation"), max_length=64)
    # The levels at which this occupation is trained and assessed.
    levels = models.JSONField(_("levels"), default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class TrainingPlan(models.Model):
    """The yearly joint training plan. The mid-year adjustment is a new revision; the one it replaces is kept
    as it was (status superseded), so what was planned at each moment can be shown."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded by a revision")

    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="next_revision")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "revision"], name="training_plan_year_revision"),
            # One approved plan per year, and at most one draft (the plan or its open revision).
            models.UniqueConstraint(fields=["year"], condition=Q(status="approved"),
                                    name="training_plan_one_approved_per_year"),
            models.UniqueConstraint(fields=["year"], condition=Q(status="draft"),
                                    name="training_plan_one_draft_per_year"),
        ]

    def __str__(self):
        return f"{self.title}（{self.year}-R{self.revision}）"


class DemandLine(models.Model):
    """A partner department's training need: occupation, level, headcount, district."""

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.CharField(_("department"), max_length=64)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("occupation"))
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    headcount = models.PositiveIntegerField(_("headcount"))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    plan = models.ForeignKey(TrainingPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="demand_lines")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "department", "id"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gt=0), name="demand_headcount_positive")]


class PlanLine(models.Model):
    """A line of the plan: the demand consolidated per (occupation, level, district)."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="lines")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("occupation"))
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    headcount = models.PositiveIntegerField(_("headcount"))
    departments = models.CharField(_("departments"), max_length=400, blank=True)

    class Meta:
        ordering = ["plan", "occupation__code", "level", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "occupation", "level", "region"], name="plan_line_unique"),
            models.CheckConstraint(condition=Q(headcount__gt=0), name="plan_line_headcount_positive"),
        ]
