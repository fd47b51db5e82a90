"""Details of each subsidy claim (one-to-one with casework's Case) and the benefit periods that must not
overlap. `voided` is set when the case closes (refused, withdrawn, lapsed, not accepted), so the partial unique
constraints below hold only for live claims."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LIVE = Q(voided=False)


class BenefitPeriod(models.Model):
    """A period in which a person draws one of the mutually exclusive unemployment benefits (DOMAIN.md §3.2):
    on PostgreSQL an exclusion constraint refuses two live periods of one person that overlap, whatever the
    benefit (migration 0004 onwards); on SQLite the service checks it. An unemployment-subsidy claim holds its
    period from submission, so an overlap is refused when the claim comes in, not in the middle of a batch
    approval; the period is voided when the claim closes and cut short when its payments stop."""

    class Benefit(models.TextChoices):
        UI_BENEFIT = "ui_benefit", _("Unemployment insurance benefit (失业保险金)")
        UNEMPLOYMENT_SUBSIDY = "sybzj", _("Unemployment subsidy (失业补助金)")
        TEMPORARY_ALLOWANCE = "lshbz", _("Temporary living allowance (临时生活补助)")

    class Source(models.TextChoices):
        CLAIM = "claim", _("Claim in this portal")
        SOCIAL_INSURANCE = "si_import", _("Social-insurance agency data")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="benefit_periods")
    benefit = models.CharField(_("benefit"), max_length=16, choices=Benefit.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    voided = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="benefit_period_ordered"),
        ]


class UnemploymentSubsidyDetail(models.Model):
    """失业补助金: monthly amount as a share of the UI benefit standard, for at most N months, once per person."""

    class Category(models.TextChoices):
        BENEFIT_EXPIRED = "benefit_expired", _("UI benefit expired, still unemployed")
        NOT_ELIGIBLE_FOR_UI = "not_eligible", _("Insured, but not eligible for UI benefit")

    class StopReason(models.TextChoices):
        REEMPLOYED = "reemployed", _("Re-employed and insured")
        UI_BENEFIT = "ui_benefit", _("Started drawing unemployment-insurance benefit")
        OTHER = "other", _("Other legal ground (death, military service, emigration, pension, prison)")

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="unemployment_subsidy")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    unemployed_since = models.DateField(_("unemployed since"))
    insured_months = models.PositiveSmallIntegerField(_("months insured"))
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(_("stop reason"), max_length=32, blank=True, choices=StopReason.choices)
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=LIVE, name="sybzj_once_per_person"),
        ]


class SubsidyInstalment(models.Model):
    """One month of a monthly subsidy; the schedule stops when the person is re-employed or starts UI benefit."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PAYABLE = "payable", _("Payable")
        PAID = "paid", _("Paid")
        STOPPED = "stopped", _("Stopped")

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="instalments")
    month = models.DateField(_("month"))  # first day of the month
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "month"]
        constraints = [models.UniqueConstraint(fields=["case", "month"], name="instalment_one_per_month")]


class SkillUpgradeDetail(models.Model):
    """技能提升补贴: once per (occupation, level) for life, at most N a year, no lower level after a higher one."""

    class Level(models.IntegerChoices):
        JUNIOR = 5, _("Junior (level 5)")
        INTERMEDIATE = 4, _("Intermediate (level 4)")
        SENIOR = 3, _("Senior (level 3)")

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="skill_upgrade")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    occupation_code = models.CharField(_("occupation code"), max_length=16)
    occupation_name = models.CharField(_("occupation"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("issue date"))
    ui_contribution_months = models.PositiveSmallIntegerField(_("months of UI contributions"))
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "occupation_code", "level"], condition=LIVE,
                                    name="jnts_once_per_occupation_level"),
            models.UniqueConstraint(fields=["certificate_no"], condition=LIVE, name="jnts_once_per_certificate"),
        ]


class HiringSubsidyDetail(models.Model):
    """一次性吸纳就业补贴: per hired person, and a person counts for one employer only."""

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="hiring_subsidy")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    hired_person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    hired_on = models.DateField(_("hired on"))
    contract_months = models.PositiveSmallIntegerField(_("contract months"))
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hired_person"], condition=LIVE, name="xnjy_one_employer_per_person"),
        ]


class JobExpansionSubsidyDetail(models.Model):
    """一次性扩岗补助: per hired young person, and a person counts for one employer only. Not together with the
    hiring subsidy (一次性吸纳就业补贴) for the same person: the rules refuse that at submission."""

    class Category(models.TextChoices):
        GRADUATE = "graduate", _("Graduate in the graduation year, or not employed since leaving school")
        UNEMPLOYED_YOUTH = "unemployed_youth", _("Registered unemployed young person")

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="job_expansion_subsidy")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    hired_person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    hired_on = models.DateField(_("hired on"))
    category = models.CharField(_("category of the person hired"), max_length=20, choices=Category.choices)
    left_school_on = models.DateField(_("left school on"), null=True, blank=True)
    insured_months = models.PositiveSmallIntegerField(_("months insured by the employer"))
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hired_person"], condition=LIVE, name="kgbz_one_employer_per_person"),
        ]


class SocialInsuranceSubsidyDetail(models.Model):
    """社会保险补贴: months cumulative across types, capped."""

    class Category(models.TextChoices):
        HARD_TO_EMPLOY_HIRED = "hard_hired", _("Hard-to-employ person hired by a unit")
        HARD_TO_EMPLOY_FLEXIBLE = "hard_flexible", _("Hard-to-employ person in flexible work")
        GRADUATE_FLEXIBLE = "graduate_flexible", _("Graduate in flexible work")
        PUBLIC_WELFARE_POST = "public_welfare", _("Public-welfare post")

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="social_insurance_subsidy")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    months = models.PositiveSmallIntegerField(_("months claimed"))
    monthly_contribution = models.DecimalField(_("monthly contribution subsidised"), max_digits=10,
                                               decimal_places=2)
    voided = models.BooleanField(default=False)


class StartupSubsidyDetail(models.Model):
    """一次性创业补贴: once per person."""

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="startup_subsidy")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    business_name = models.CharField(_("business name"), max_length=128)
    business_credit_code = models.CharField(_("business credit code"), max_length=18)
    registered_on = models.DateField(_("registered on"))
    # No start-up subsidy standard is on record (DOMAIN.md §12.5): until a parameter exists, the reviewer sets
    # each claim's amount with a reason, and the case page says so.
    reviewer_amount = models.DecimalField(_("amount set by the reviewer"), max_digits=10, decimal_places=2,
                                          null=True, blank=True)
    reviewer_amount_reason = models.CharField(_("reason for the amount"), max_length=200, blank=True)
    reviewer_amount_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=LIVE, name="cybt_once_per_person"),
            models.CheckConstraint(condition=Q(reviewer_amount__isnull=True) | Q(reviewer_amount__gt=0),
                                   name="cybt_reviewer_amount_positive"),
        ]


class StablePostRefundDetail(models.Model):
    """稳岗返还: ratio by size class and year times the prior year's UI premiums, with the layoff-rate test."""

    class Channel(models.TextChoices):
        DIRECT = "direct", _("Paid without application (免申即享)")
        APPLICATION = "application", _("On application")

    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, primary_key=True,
                                related_name="stable_post_refund")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    premium_year = models.PositiveSmallIntegerField(_("premium year"))
    size_class = models.CharField(_("size class"), max_length=8)
    average_insured_staff = models.PositiveIntegerField(_("average insured staff"))
    new_ui_claimants = models.PositiveIntegerField(_("new UI claimants"))
    prior_year_premiums = models.DecimalField(_("prior-year UI premiums"), max_digits=14, decimal_places=2)
    contribution_months = models.PositiveSmallIntegerField(_("months of full contributions"))
    dishonest = models.BooleanField(_("on the serious dishonesty list"), default=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    roster_import = models.ForeignKey("subsidies.RosterImport", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="refunds")
    confirmation_due = models.DateField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    voided = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "premium_year"], condition=LIVE,
                                    name="wgfh_once_per_enterprise_year"),
        ]
