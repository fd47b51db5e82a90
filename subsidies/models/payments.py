"""拨付批次: draft -> locked -> approved (by someone else) -> exported to the bank -> reconciled.

A batch gathers the pending payment orders (casework's Payment, made at approval) of one fund source; the
bank's file is made from it, and the bank's return file settles each item as paid or failed. A failed item
leaves its payment pending, so it can go into a later batch once the account is corrected.

A monthly subsidy (失业补助金) is paid month by month: each instalment that has fallen due is an item of its
own (linked to the case's payment order and to the instalment), so one case has one item per month over
several batches; the database refuses an instalment in two live batches (a paid item counts as live), so no
month is paid twice.
"""

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
        # The return file is read; the paid cases are being marked paid one by one (a Celery task).
        RECONCILING = "reconciling", _("Reconciling")
        RECONCILED = "reconciled", _("Reconciled")
        CANCELLED = "cancelled", _("Cancelled")

    class FundSource(models.TextChoices):
        UI_FUND = "ui_fund", _("Unemployment insurance fund (失业保险基金)")
        EMPLOYMENT_FUND = "employment_fund", _("Employment subsidy fund (就业补助资金)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    fund_source = models.CharField(_("fund source"), max_length=16, choices=FundSource.choices)
    # The area the batch pays in (None: the whole city); it also decides who may see the batch.
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    total_amount = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    item_count = models.PositiveIntegerField(_("payments"), default=0)
    paid_amount = models.DecimalField(_("paid"), max_digits=16, decimal_places=2, default=0)
    failed_amount = models.DecimalField(_("failed"), max_digits=16, decimal_places=2, default=0)
    # Payments left out when the batch was built or locked, each with its reason: [{"ref", "code", "reason"}].
    skipped = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    locked_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    exported_at = models.DateTimeField(null=True, blank=True)
    bank_file = models.FileField(upload_to="payment-batches/", max_length=200, blank=True)
    bank_file_sha256 = models.CharField(max_length=64, blank=True)
    reconciled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    reconciled_at = models.DateTimeField(null=True, blank=True)
    return_file = models.FileField(upload_to="payment-batches/returns/", max_length=200, blank=True)
    return_file_sha256 = models.CharField(max_length=64, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("manage_paymentbatch", "Can build, approve and reconcile payment batches")]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="payment_batch_total_not_negative"),
        ]

    def __str__(self):
        return self.ref


class PaymentBatchItem(models.Model):
    class Status(models.TextChoices):
        INCLUDED = "included", _("In the batch")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        # Taken out before approval (a hold appeared, or the batch was cancelled): the payment is free again.
        REMOVED = "removed", _("Removed")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="items")
    payment = models.ForeignKey("casework.Payment", on_delete=models.PROTECT, related_name="batch_items")
    # The month paid, for a monthly subsidy; None when the item pays the whole payment order.
    instalment = models.ForeignKey("subsidies.SubsidyInstalment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="batch_items", verbose_name=_("month"))
    # The bank's reference of this transfer, unique in the batch, returned by the bank: the case reference,
    # with the month (SYBZJ-2020-XXXXXXXX-202007) for an instalment.
    reference = models.CharField(_("reference"), max_length=32)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    payee_name = models.CharField(_("payee"), max_length=128)
    bank_name = models.CharField(_("bank"), max_length=64, blank=True)
    account_masked = models.CharField(_("account"), max_length=32)
    # Keyed hash of the full account (never the number): a failed payment goes into a later batch only once
    # the payee's account differs from the one the bank refused.
    account_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INCLUDED)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # Why a transfer the bank reports paid could not mark its case paid (the case moved meanwhile).
    settle_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            # A payment is in at most one live batch; a failed or removed one may go into a later batch.
            models.UniqueConstraint(fields=["payment"],
                                    condition=Q(instalment__isnull=True) & ~Q(status__in=["failed", "removed"]),
                                    name="payment_in_one_live_batch"),
            # A month of a monthly subsidy likewise: included or paid once; failed or removed, free again.
            models.UniqueConstraint(fields=["instalment"], condition=~Q(status__in=["failed", "removed"]),
                                    name="instalment_in_one_live_batch"),
            models.UniqueConstraint(fields=["batch", "reference"], name="payment_item_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_item_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["batch", "status"], name="payment_item_batch_status_idx")]
