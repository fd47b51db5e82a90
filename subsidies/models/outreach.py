"""政策宣讲: briefing sessions and policy pushes to people or firms likely to qualify."""

from django.conf import settings
from django.db import models
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
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    kind = models.CharField(_("kind"), max_length=16)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    message = models.TextField(_("message"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class PolicyPushRecipient(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    push = models.ForeignKey(PolicyPush, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    phone_masked = models.CharField(_("phone"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)

    class Meta:
        ordering = ["push", "id"]
