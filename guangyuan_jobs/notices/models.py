"""Formal notices (受理通知书 and the rest, as PDF) and notifications (SMS and in-portal messages)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    RECEIPT = "receipt", _("Electronic receipt (电子回执)")
    ACCEPTANCE = "acceptance", _("Notice of acceptance (受理通知书)")
    NON_ACCEPTANCE = "non_acceptance", _("Notice of non-acceptance (不予受理通知书)")
    CORRECTION = "correction", _("Notice to supply materials (材料补正告知书)")
    APPROVAL = "approval", _("Decision of approval (准予决定书)")
    REFUSAL = "refusal", _("Decision of refusal (不予批准决定书)")


def notice_path(instance, filename):
    return f"notices/{instance.issued_at:%Y/%m}/{instance.number}.pdf"


class Notice(models.Model):
    """One issued document. Issued once per case move: the move's timeline entry is part of its identity, so
    a retried task or a second click returns the notice already issued."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="notices",
                             verbose_name=_("case"))
    transition = models.ForeignKey("casework.CaseTransition", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    number = models.CharField(_("number"), max_length=32, unique=True)
    file = models.FileField(upload_to=notice_path, max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        permissions = [("issue_notice", "Can issue formal notices on demand")]
        constraints = [
            models.UniqueConstraint(fields=["case", "transition", "kind"], name="notice_once_per_move_and_kind"),
        ]

    def __str__(self):
        return self.number


class NoticeCounter(models.Model):
    """The running number of each kind of notice in a year (受字〔2026〕第000001号), taken under a row lock."""

    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="notice_counter_unique")]


class NotificationEvent(models.TextChoices):
    SUBMIT = "submit", _("Claim received")
    ACCEPT = "accept", _("Accepted")
    ACCEPT_INCOMPLETE = "accept_incomplete", _("Accepted with materials missing")
    MISSING_REMINDER = "missing_reminder", _("Reminder: missing materials due")
    REJECT = "reject", _("Not accepted")
    RETURN = "return", _("Returned for correction")
    APPROVE = "approve", _("Approved")
    REFUSE = "refuse", _("Refused")
    PAY = "pay", _("Paid")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    LAPSE = "lapse", _("Lapsed")


class MessageTemplate(models.Model):
    """The words of one event's SMS and in-portal message, editable by administrators. Placeholders are
    Django template variables: {{ ref }}, {{ kind }}, {{ due }}, {{ amount }}, {{ reason }}, {{ materials }},
    {{ material_due }}."""

    event = models.CharField(_("event"), max_length=32, choices=NotificationEvent.choices, unique=True)
    sms_enabled = models.BooleanField(_("send SMS"), default=True)
    sms_text = models.TextField(_("SMS text"), max_length=500)
    inbox_enabled = models.BooleanField(_("post to the portal inbox"), default=True)
    inbox_subject = models.CharField(_("inbox subject"), max_length=120)
    inbox_body = models.TextField(_("inbox text"), max_length=2000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        ordering = ["event"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.get_event_display()


class Notification(models.Model):
    """One message to one recipient on one channel for one event. The database refuses a second row for the
    same (event, recipient, channel), so a retried task or a second run never tells anyone twice."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        INBOX = "inbox", _("Portal inbox")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        ABANDONED = "abandoned", _("Failed, given up")

    event_key = models.CharField(max_length=80)
    event = models.CharField(_("event"), max_length=32, choices=NotificationEvent.choices)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="notifications", verbose_name=_("case"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient_key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="notifications", verbose_name=_("recipient"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient_key", "channel"],
                                    name="notification_once_per_event_recipient_channel"),
            models.CheckConstraint(condition=~Q(channel="inbox") | Q(user__isnull=False),
                                   name="notification_inbox_has_user"),
            models.CheckConstraint(condition=~Q(channel="sms") | ~Q(phone=""), name="notification_sms_has_phone"),
        ]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["status", "next_attempt_at"], condition=Q(status__in=["pending", "failed"]),
                         name="notification_retry_idx"),
        ]

    def __str__(self):
        return f"{self.event_key} → {self.recipient_key} ({self.channel})"
