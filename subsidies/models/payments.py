"""拨付批次: draft -> locked -> approved (by someone else) -> exported to the bank -> reconciled."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LOCKED = "locked", _("Locked")
        APPROVED = "approved", _("Approved")
        EXPORTED = "exported", _("Sent to the bank")
        RECONCILED = "reconciled", _("Reconciled")

    class FundSource(models.TextChoices):
        UI_FUND = "ui_fund", _("Unemployment insurance fund (失业保险基金)")
        EMPLOYMENT_FUND = "employment_fund", _("Employment subsidy fund (就业补助资金)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    fund_source = models.CharField(_("fund source"), max_length=16, choices=FundSource.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    total_amount = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    item_count = models.PositiveIntegerField(_("payments"), default=0)
    paid_amount = models.DecimalField(_("paid"), max_digits=16, decimal_places=2, default=0)
    failed_amount = models.DecimalField(_("failed"), max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    locked_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    bank_file = models.FileField(upload_to="payment-batches/", max_length=200, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    return_file = models.FileField(upload_to="payment-batches/returns/", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("manage_paymentbatch", "Can build, approve and reconcile payment batches")]

    def __str__(self):
        return self.ref


class PaymentBatchItem(models.Model):
    class Status(models.TextChoices):
        INCLUDED = "included", _("In the batch")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="items")
    payment = models.ForeignKey("casework.Payment", on_delete=models.PROTECT, related_name="batch_items")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    payee_name = models.CharField(_("payee"), max_length=128)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    account_masked = models.CharField(_("account"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INCLUDED)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            # A payment is in at most one batch at a time; a failed one may go into a later batch.
            models.UniqueConstraint(fields=["payment"], condition=~Q(status="failed"),
                                    name="payment_in_one_live_batch"),
        ]
