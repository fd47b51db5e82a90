"""Guaranteed start-up loans (创业担保贷款) from application to settlement or payout, their interest subsidy
(贴息) per quarter, and the cooperating banks whose staff see only their own loans (DOMAIN.md §5).

The application is a casework case (kinds CDDK, CDDKHH, CDDKQY) whose detail is `LoanApplication`; once the
Center approves it, a `Loan` follows the bank's due diligence, the guarantee fund's approval, the contract and
disbursement, repayments, and settlement or overdue -> payout (代偿) -> recovery. Money is yuan with 2 places;
rates are percent a year with 4 places (4.3500 = 4.35 %).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


class LoanType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual start-up")
    PARTNERSHIP = "partnership", _("Partnership start-up")
    ENTERPRISE = "enterprise", _("Small or micro enterprise")


class CooperatingBank(models.Model):
    """A bank that lends under the guarantee fund (合作银行)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered enterprise"),
                                   help_text=_("The bank's branch as a registered enterprise: the applicant of its "
                                               "quarterly subsidy claims."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperating bank")
        verbose_name_plural = _("cooperating banks")

    def __str__(self):
        return self.name


class BankStaff(models.Model):
    """A user who works for a cooperating bank: they see and act on that bank's loans only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_staff")
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="staff")

    class Meta:
        verbose_name = _("bank staff member")
        verbose_name_plural = _("bank staff members")

    def __str__(self):
        return f"{self.user} ({self.bank})"


class CreditLineHolder(models.TextChoices):
    VILLAGE = "village", _("Credit village or community")
    PARK = "park", _("Park or incubation base")
    GROUP = "group", _("Group of entrepreneurs")


class CreditLine(models.Model):
    """A collective credit line (集体授信) a bank grants a credit village, a park or a group: loans to its
    members are drawn against it until the line's amount is used up."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    holder = models.CharField(_("holder"), max_length=16, choices=CreditLineHolder.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="credit_lines",
                             verbose_name=_("bank"))
    amount = models.DecimalField(_("line amount"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("collective credit line")
        verbose_name_plural = _("collective credit lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_line_amount_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="credit_line_period_ordered"),
        ]

    def __str__(self):
        return self.name


class LoanApplication(models.Model):
    """The details of a loan application case (one-to-one with casework's Case)."""

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="loan_application")
    loan_type = models.CharField(_("loan type"), max_length=16, choices=LoanType.choices)
    group_code = models.CharField(_("eligible group"), max_length=32)
    amount = models.DecimalField(_("amount applied for"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("bank"))
    business_name = models.CharField(_("business name"), max_length=128)
    business_started_on = models.DateField(_("business registered on"))
    online_merchant = models.BooleanField(_("online shop"), default=False)
    purpose = models.CharField(_("purpose of the loan"), max_length=300)
    partners = models.PositiveSmallIntegerField(_("partners"), default=1)
    current_staff = models.PositiveIntegerField(_("current staff"), null=True, blank=True)
    new_hires = models.PositiveIntegerField(_("eligible people hired this year"), null=True, blank=True)
    # Declared by the applicant for loans taken elsewhere; this portal's own loans are counted as well.
    earlier_loans = models.PositiveSmallIntegerField(_("earlier guaranteed loans"), default=0)
    earlier_overdue = models.BooleanField(_("an earlier guaranteed loan was overdue"), default=False)
    guarantor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("guarantor"))
    # Grounds for waiving the counter-guarantee besides the amount (DOMAIN.md §5.3).
    recommended_by_incubator = models.BooleanField(_("recommended by an incubation base or credit village"),
                                                   default=False)
    honoured = models.BooleanField(_("holds a city-level or higher honour"), default=False)
    credit_rated = models.BooleanField(_("credit-rated firm, merchant or farmer"), default=False)
    # Worked out by rules.counter_guarantee on the application date and shown with its reasons.
    counter_guarantee_required = models.BooleanField(_("counter-guarantee required"), default=True)
    counter_guarantee_explanation = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("loan application")
        verbose_name_plural = _("loan applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_application_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_application_term_positive"),
        ]


class LoanStatus(models.TextChoices):
    DUE_DILIGENCE = "due_diligence", _("Bank due diligence")
    GUARANTEE_REVIEW = "guarantee_review", _("Guarantee fund review")
    GUARANTEED = "guaranteed", _("Guaranteed, awaiting contract")
    REPAYING = "repaying", _("Disbursed, repaying")
    OVERDUE = "overdue", _("Overdue")
    PAID_OUT = "paid_out", _("Paid out by the guarantee fund")
    SETTLED = "settled", _("Settled")
    RECOVERED = "recovered", _("Recovery closed")
    DECLINED = "declined", _("Declined")


class Loan(models.Model):
    """A loan approved by the Center, followed through the bank and the guarantee fund. Its reference is the
    application case's; the contract terms are fixed on the contract date and never change afterwards."""

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    application = models.OneToOneField(LoanApplication, on_delete=models.PROTECT, related_name="loan")
    loan_type = models.CharField(_("loan type"), max_length=16, choices=LoanType.choices)
    group_code = models.CharField(_("eligible group"), max_length=32)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="guaranteed_loans")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="guaranteed_loans")
    borrower_name = models.CharField(_("borrower"), max_length=128)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("district"))
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="loans", verbose_name=_("bank"))
    guarantor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    credit_line = models.ForeignKey(CreditLine, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="loans", verbose_name=_("collective credit line"))
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices,
                              default=LoanStatus.DUE_DILIGENCE)
    version = models.PositiveIntegerField(default=1)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY)
    counter_guarantee_required = models.BooleanField(_("counter-guarantee required"), default=True)

    contract_no = models.CharField(_("contract number"), max_length=64, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    principal = models.DecimalField(_("principal"), null=True, blank=True, **MONEY)
    annual_rate = models.DecimalField(_("annual rate (%)"), null=True, blank=True, **RATE)
    lpr_on_contract = models.DecimalField(_("1-year LPR on the contract date (%)"), null=True, blank=True, **RATE)
    borrower_rate = models.DecimalField(_("borrower's rate (%)"), null=True, blank=True, **RATE)
    subsidy_rate = models.DecimalField(_("subsidised rate (%)"), null=True, blank=True, **RATE)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    maturity_date = models.DateField(_("maturity"), null=True, blank=True)
    subsidy_end = models.DateField(_("subsidy ends"), null=True, blank=True,
                                   help_text=_("Exclusive: no subsidy from this day on."))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    # An extension granted under the 2020 epidemic policy keeps the subsidy for the extended period
    # (`cddk.covid.extension_subsidised` in force on the day it was granted); a normal one does not.
    epidemic_extension = models.BooleanField(_("extended under the epidemic policy"), default=False)
    extension_granted_on = models.DateField(_("extension granted on"), null=True, blank=True)

    outstanding = models.DecimalField(_("outstanding principal"), default=0, **MONEY)
    payout_amount = models.DecimalField(_("guarantee payout"), null=True, blank=True, **MONEY)
    payout_on = models.DateField(_("paid out on"), null=True, blank=True)
    recovered_amount = models.DecimalField(_("recovered"), default=0, **MONEY)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("guaranteed loan")
        verbose_name_plural = _("guaranteed loans")
        permissions = [
            ("bank_loan", "Can act for a cooperating bank on its loans"),
            ("guarantee_loan", "Can decide guarantees, payouts and recoveries"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(enterprise__isnull=False),
                                   name="loan_has_borrower"),
            models.CheckConstraint(condition=Q(outstanding__gte=0), name="loan_outstanding_not_negative"),
            models.CheckConstraint(condition=Q(principal__isnull=True) | Q(outstanding__lte=F("principal")),
                                   name="loan_outstanding_within_principal"),
            models.CheckConstraint(condition=Q(principal__isnull=True) | Q(principal__lte=F("approved_amount")),
                                   name="loan_principal_within_approval"),
            models.UniqueConstraint(fields=["bank", "contract_no"], condition=~Q(contract_no=""),
                                    name="loan_contract_no_unique_per_bank"),
        ]
        indexes = [models.Index(fields=["bank", "status"], name="loan_bank_status_idx"),
                   models.Index(fields=["region", "status"], name="loan_region_status_idx")]

    def __str__(self):
        return self.ref


class LoanEvent(models.Model):
    """The loan's own timeline (the audit trail holds the same and more)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=20, choices=LoanStatus.choices)
    to_status = models.CharField(max_length=20, choices=LoanStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Repayment(models.Model):
    """Principal repaid on a date, as the bank recorded it; the bank's transaction number makes a re-entry
    of the same repayment a no-op."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("paid on"))
    principal = models.DecimalField(_("principal repaid"), **MONEY)
    interest = models.DecimalField(_("interest paid"), default=0, **MONEY)
    bank_reference = models.CharField(_("bank transaction number"), max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "bank_reference"], name="repayment_unique_bank_reference"),
            models.CheckConstraint(condition=Q(principal__gte=0) & Q(interest__gte=0),
                                   name="repayment_amounts_not_negative"),
        ]


class OverduePeriod(models.Model):
    """Days a loan was overdue, [start, end): no interest subsidy for them."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="overdue_periods")
    start = models.DateField(_("overdue from"))
    end = models.DateField(_("cured on"), null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(end__isnull=True), name="overdue_one_open_per_loan"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="overdue_ordered"),
        ]


class Recovery(models.Model):
    """Money recovered from the borrower or guarantor after a payout (追偿)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="recoveries")
    recovered_on = models.DateField(_("recovered on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recovered_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]


def subsidy_upload_path(instance, filename):
    return f"entrepreneurship/subsidy/{timezone.localdate():%Y/%m}/{instance.id.hex}.xlsx"


class SubsidyUpload(models.Model):
    """A bank's quarterly interest file: checked by a Celery task (a dry run first), then confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking")
        CHECKED = "checked", _("Checked, awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="subsidy_uploads")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    file = models.FileField(upload_to=subsidy_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_good = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    rows_mismatch = models.PositiveIntegerField(default=0)
    subsidy_total = models.DecimalField(_("subsidy computed"), default=0, **MONEY)
    bank_total = models.DecimalField(_("subsidy the bank claimed"), default=0, **MONEY)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quarterly interest file")
        verbose_name_plural = _("quarterly interest files")
        permissions = [("upload_subsidy_file", "Can upload a bank's quarterly interest file"),
                       ("claim_subsidy", "Can build the quarterly interest-subsidy claim")]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="subsidy_upload_quarter"),
            # One confirmed file per bank and quarter: a second is refused, so nothing is counted twice.
            models.UniqueConstraint(fields=["bank", "year", "quarter"], condition=Q(status="confirmed"),
                                    name="subsidy_upload_one_confirmed_per_quarter"),
        ]


class SubsidyUploadRow(models.Model):
    """One row of the file: the bank's figures, ours, and why the row is bad or does not match."""

    upload = models.ForeignKey(SubsidyUpload, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    contract_no = models.CharField(max_length=64, blank=True)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bank_interest = models.DecimalField(null=True, blank=True, **MONEY)
    bank_balance = models.DecimalField(null=True, blank=True, **MONEY)
    bank_subsidy = models.DecimalField(null=True, blank=True, **MONEY)
    computed_subsidy = models.DecimalField(null=True, blank=True, **MONEY)
    computed_balance = models.DecimalField(null=True, blank=True, **MONEY)
    errors = models.JSONField(default=list, blank=True)  # bad data: the row is not counted
    mismatches = models.JSONField(default=list, blank=True)  # counted at our figure, flagged for the reviewer
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["row_number"]
        constraints = [models.UniqueConstraint(fields=["upload", "row_number"], name="subsidy_row_unique")]


class SubsidyClaim(models.Model):
    """The quarterly interest-subsidy claim of one bank to finance (kind CDDKTX), one-to-one with its case."""

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="loan_subsidy_claim")
    upload = models.OneToOneField(SubsidyUpload, on_delete=models.PROTECT, related_name="claim")
    bank = models.ForeignKey(CooperatingBank, on_delete=models.PROTECT, related_name="subsidy_claims")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    loans = models.PositiveIntegerField(_("loans"))
    total = models.DecimalField(_("subsidy"), **MONEY)
    mismatches = models.PositiveIntegerField(_("rows not matching the bank's figures"), default=0)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarterly interest-subsidy claim")
        verbose_name_plural = _("quarterly interest-subsidy claims")


class CityLoanFigure(models.Model):
    """Another city's guaranteed loans in a year, as the province published them (entered by the Center's
    managers), to rank Guangyuan's own figures among the cities of Sichuan. A row for Guangyuan itself stands
    for a year the portal's register does not hold completely (before it went live)."""

    year = models.PositiveSmallIntegerField(_("year"))
    city = models.CharField(_("city"), max_length=32)
    loans = models.PositiveIntegerField(_("loans"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-amount", "city"]
        verbose_name = _("city loan figure")
        verbose_name_plural = _("city loan figures")
        constraints = [
            models.UniqueConstraint(fields=["year", "city"], name="city_loan_figure_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="city_loan_figure_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} {self.city}"
