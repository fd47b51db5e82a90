"""政策宣讲: briefing sessions and policy pushes to people or firms likely to qualify."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BriefingSession(models.Model):
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=128)
    topic = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(_("audience"), max_length=128)
    attendance = models.PositiveIntegerField(_("attendance"))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    kinds = models.JSONField(_("claim kinds covered"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return self.topic


class PolicyPush(models.Model):
    """One message about one kind sent to the people or firms a target rule picked; a Celery job whose
    progress the page polls. `region` is the area it was sent in (the list is scoped on it)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Sending")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    message = models.TextField(_("message"))
    target = models.CharField(_("recipients"), max_length=32, blank=True)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, null=True, blank=True,
                               verbose_name=_("region"), related_name="+")
    # What the target rule was given (region filter, premium year), so the list can be explained later.
    criteria = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("reached"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PolicyPushRecipient(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    push = models.ForeignKey(PolicyPush, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    phone_masked = models.CharField(_("phone"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["push", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, enterprise__isnull=True)
                                   | Q(person__isnull=True, enterprise__isnull=False),
                                   name="push_recipient_one_addressee"),
            # A push reaches each addressee once, however often its task is delivered.
            models.UniqueConstraint(fields=["push", "person"], condition=Q(person__isnull=False),
                                    name="push_recipient_person_once"),
            models.UniqueConstraint(fields=["push", "enterprise"], condition=Q(enterprise__isnull=False),
                                    name="push_recipient_enterprise_once"),
        ]
        indexes = [models.Index(fields=["push", "status"], name="push_recipient_status_idx")]
