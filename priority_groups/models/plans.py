"""One plan per person (一人一策) with its measures and follow-ups, and the service records (实名制服务记录)
whose count is the person-times (服务人次) of the report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Need(models.TextChoices):
    JOB = "job", _("A job")
    SKILLS = "skills", _("Skills training")
    POLICY = "policy", _("Policy information")
    STARTUP = "startup", _("Starting a business")
    CARE = "care", _("Care duties (children, elderly)")
    HEALTH = "health", _("Health or disability support")


class Plan(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="plan",
                                  verbose_name=_("person"))
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pg_plans",
                                   verbose_name=_("responsible caseworker"))
    needs = models.JSONField(_("needs"), default=list)
    needs_note = models.CharField(_("needs in their words"), max_length=500, blank=True)
    contact_every_days = models.PositiveSmallIntegerField(_("contact every (days)"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.CharField(_("reason closed"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("plan (一人一策)")
        verbose_name_plural = _("plans (一人一策)")
        constraints = [
            models.CheckConstraint(condition=Q(contact_every_days__gte=1), name="pg_plan_cadence_positive"),
            models.CheckConstraint(condition=Q(status="open", closed_on__isnull=True)
                                   | Q(status="closed", closed_on__isnull=False), name="pg_plan_closed_has_date"),
        ]

    def __str__(self):
        return str(_("Plan of %(name)s") % {"name": self.person.name})

    @property
    def needs_labels(self) -> list[str]:
        return [str(Need(need).label) for need in self.needs if need in Need.values]


class PlanMeasure(models.Model):
    class Kind(models.TextChoices):
        JOB_REFERRAL = "job_referral", _("Job referrals")
        TRAINING = "training", _("Training")
        POLICY = "policy", _("Policy support")
        PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")
        STARTUP = "startup", _("Start-up help")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=24, choices=Kind.choices)
    description = models.CharField(_("what exactly"), max_length=200)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class FollowUp(models.Model):
    """A contact due with the person. One open follow-up per plan: doing it schedules the next one at the
    plan's cadence."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    service = models.OneToOneField("priority_groups.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="follow_up")
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(done_on__isnull=True, cancelled=False),
                                    name="pg_followup_one_open_per_plan"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.due_on}"


class ServiceType(models.TextChoices):
    POLICY_BRIEFING = "policy_briefing", _("Policy briefing")
    CAREER_GUIDANCE = "career_guidance", _("Career guidance")
    JOB_REFERRAL = "job_referral", _("Job referral")
    TRAINING_REFERRAL = "training_referral", _("Training referral")
    INTERNSHIP = "internship", _("Internship referral")
    STARTUP = "startup", _("Start-up service")
    ASSISTANCE = "assistance", _("Employment assistance")
    RETURN_VISIT = "return_visit", _("Return visit")


class ServiceChannel(models.TextChoices):
    OFFICE = "office", _("At the office")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    WECHAT = "wechat", _("WeChat")
    QQ = "qq", _("QQ")
    HOME_VISIT = "home_visit", _("Home visit")
    ONLINE = "online", _("Online")
    EVENT = "event", _("Job fair or event")


class ServiceRecord(models.Model):
    """One service given to one person: each row is one person-time (人次)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pg_services",
                               verbose_name=_("person"))
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    served_on = models.DateField(_("date"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("staff"))
    channel = models.CharField(_("channel"), max_length=16, choices=ServiceChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    referral = models.OneToOneField("priority_groups.Referral", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="service")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [models.Index(fields=["served_on", "service_type"], name="pg_service_date_type")]

    def __str__(self):
        return f"{self.get_service_type_display()} {self.served_on}"
