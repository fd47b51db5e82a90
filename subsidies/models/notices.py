"""公示: approved cases published for a window of working days; objections hold their payment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicNotice(models.Model):
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self):
        return self.title


class NoticeEntry(models.Model):
    """What the public sees of one case: masked name and ID number, item and amount; never phone, address,
    bank card, birthday, hardship or disability (the ministry's rule, PEERS.md)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="entries")
    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, related_name="notice_entry")
    display_name = models.CharField(_("name"), max_length=128)
    identifier_masked = models.CharField(_("ID number / credit code"), max_length=18)
    item = models.CharField(_("item"), max_length=64)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["notice", "id"]


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.PROTECT, related_name="objections")
    lodger_name = models.CharField(_("name"), max_length=64)
    lodger_contact = models.CharField(_("contact"), max_length=64, blank=True)
    text = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    lodged_at = models.DateTimeField(auto_now_add=True)
    # Where it came from: objections are lodged without signing in, so they are rate-limited per address.
    lodged_ip = models.GenericIPAddressField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["-lodged_at"]
        indexes = [
            models.Index(fields=["case", "status"], name="objection_case_status_idx"),
            models.Index(fields=["lodged_ip", "lodged_at"], name="objection_ip_time_idx"),
        ]
