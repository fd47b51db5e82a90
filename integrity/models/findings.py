"""Risk rules as data, the findings (疑点) they raise on cases, and the recoveries (追回) of money paid wrongly.

A rule names a registered check (integrity.checks); a finding is one rule tripping on one case, once (the
database refuses a second); a verified finding on a paid case opens one recovery, settled by receipts (money
returned, or withheld from a later payment to the same applicant) until its balance is nil.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskRule(models.Model):
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"))
    check_code = models.CharField(_("check"), max_length=48)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    # Case kinds the rule applies to (casework kind codes); empty: every kind.
    kinds = models.JSONField(_("case kinds"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self):
        return self.name


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        DISMISSED = "dismissed", _("Dismissed")

    class Trigger(models.TextChoices):
        SUBMIT = "submit", _("Case submitted")
        NIGHTLY = "nightly", _("Nightly screening")
        RULE_CHANGE = "rule_change", _("Rule changed")
        IMPORT = "import", _("New department data")

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    rule = models.ForeignKey(RiskRule, on_delete=models.PROTECT, related_name="findings", verbose_name=_("rule"))
    rule_version = models.PositiveIntegerField(_("rule version"))
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="integrity_findings",
                             verbose_name=_("case"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("what was found"))
    evidence = models.JSONField(default=dict, blank=True)
    trigger = models.CharField(_("found by"), max_length=16, choices=Trigger.choices)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("verifier"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [("verify_finding", "Can verify or dismiss findings (疑点核查)"),
                       ("assign_finding", "Can assign findings to verifiers")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "case"], name="integrity_one_finding_per_rule_case"),
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False) & ~Q(reason="")),
                name="integrity_finding_decision_complete"),
        ]
        indexes = [models.Index(fields=["status", "case"], name="integrity_finding_status_idx")]

    def __str__(self):
        return self.ref


class Recovery(models.Model):
    class Method(models.TextChoices):
        INSTALMENTS = "instalments", _("Repayment in instalments")
        OFFSET = "offset", _("Offset against future payments")

    class Status(models.TextChoices):
        OPEN = "open", _("Being recovered")
        CLOSED = "closed", _("Recovered in full")

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="recovery",
                                   verbose_name=_("finding"))
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="integrity_recoveries",
                             verbose_name=_("case"))
    amount = models.DecimalField(_("amount to recover"), max_digits=14, decimal_places=2)
    recovered = models.DecimalField(_("recovered"), max_digits=14, decimal_places=2, default=0)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.INSTALMENTS)
    instalments = models.PositiveSmallIntegerField(_("instalments"), default=1)
    first_due = models.DateField(_("first instalment due"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        permissions = [("record_recovery", "Can record recovery receipts and plans (追回)")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="integrity_recovery_amount_positive"),
            models.CheckConstraint(condition=Q(recovered__gte=0) & Q(recovered__lte=F("amount")),
                                   name="integrity_recovery_not_over_recovered"),
            models.CheckConstraint(condition=Q(instalments__gte=1), name="integrity_recovery_instalments_positive"),
            models.CheckConstraint(condition=Q(status="open") | Q(recovered=F("amount")),
                                   name="integrity_recovery_closed_when_settled"),
        ]

    def __str__(self):
        return self.ref

    @property
    def balance(self):
        return self.amount - self.recovered


class RecoveryReceipt(models.Model):
    """Money back: a repayment (with the bank's or cashier's receipt number) or an amount withheld from a later
    payment to the same applicant (the offset case's reference)."""

    class Kind(models.TextChoices):
        REPAYMENT = "repayment", _("Repayment")
        OFFSET = "offset", _("Withheld from a later payment")

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("receipt number"), max_length=64)
    offset_case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("offset against"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("recovery receipt")
        verbose_name_plural = _("recovery receipts")
        constraints = [
            # The same receipt recorded twice (a double click, a retried request) is refused.
            models.UniqueConstraint(fields=["recovery", "reference"], name="integrity_receipt_once"),
            models.UniqueConstraint(fields=["offset_case"], condition=Q(offset_case__isnull=False),
                                    name="integrity_offset_case_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="integrity_receipt_amount_positive"),
            models.CheckConstraint(condition=Q(kind="repayment") | Q(offset_case__isnull=False),
                                   name="integrity_offset_names_case"),
        ]
