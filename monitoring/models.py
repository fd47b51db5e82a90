"""Enterprise unemployment monitoring (失业动态监测, DOMAIN.md §8): the sample of monitored firms, their
monthly returns and the reminders for late ones; warning rules as data and the warnings they raise; and the
dashboard's summary rows (one figure per indicator, area and period, refreshed by Celery beat)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DashboardAccess(models.Model):
    """Holds the dashboard's named permission (`monitoring.view_dashboard`); no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can view the managers' dashboard")]


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail")
    G = "G", _("G Transport, storage and post")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information technology")  # noqa: E741 - the standard's own letter
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Research and technical services")
    N = "N", _("N Water, environment and public facilities")
    O = "O", _("O Resident and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration and social organisations")
    T = "T", _("T International organisations")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    JOINT_STOCK = "joint_stock", _("Limited liability or joint-stock")
    HK_MO_TW = "hk_mo_tw", _("Hong Kong, Macao or Taiwan invested")
    FOREIGN = "foreign", _("Foreign invested")
    OTHER = "other", _("Other")


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class MonitoredEnterprise(models.Model):
    """A firm in the monitoring sample, with its baseline (建档期) headcount."""

    enterprise = models.OneToOneField("registry.Enterprise", on_delete=models.PROTECT, related_name="monitoring",
                                      verbose_name=_("enterprise"))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("district"))
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=1, choices=Industry.choices)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices)
    size_class = models.CharField(_("size"), max_length=8, choices=SizeClass.choices)
    baseline_date = models.DateField(_("baseline date"))
    baseline_headcount = models.PositiveIntegerField(_("baseline headcount"))
    baseline_dispatched = models.PositiveIntegerField(_("dispatched workers at baseline"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    active = models.BooleanField(_("monitored"), default=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "enterprise__name"]
        verbose_name = _("monitored enterprise")
        verbose_name_plural = _("monitored enterprises")
        permissions = [("manage_monitoring", "Can enrol monitored enterprises and file or check their returns")]
        constraints = [models.CheckConstraint(condition=Q(baseline_headcount__gt=0),
                                              name="monitored_baseline_positive")]

    def __str__(self):
        return self.enterprise.name


class ReductionType(models.TextChoices):
    """减员类型 of the national monitoring system; each has its own count on the return."""

    CLOSURE = "closure", _("Closure or bankruptcy")
    SUSPENSION = "suspension", _("Suspension for rectification")
    ECONOMIC_LAYOFF = "economic_layoff", _("Economic layoff")
    CONTRACT_END = "contract_end", _("Contract ended or terminated")
    RESIGNATION = "resignation", _("Resignation")
    OTHER = "other", _("Other")


class ReductionReason(models.TextChoices):
    NONE = "", _("No reduction")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy or closure")
    SUSPENSION = "suspension", _("Suspension for rectification")
    RELOCATION = "relocation", _("Relocation")
    RESTRUCTURING = "restructuring", _("Restructuring")
    DIFFICULTY = "difficulty", _("Serious difficulty in production or business")
    CONVERSION = "conversion", _("Change of products")
    TECHNOLOGY = "technology", _("Major technical innovation or change of business model")
    SEASONAL = "seasonal", _("Seasonal or normal turnover")
    OTHER = "other", _("Other")


class MonthlyReturn(models.Model):
    """A firm's return for one month (period = the month's first day): headcount at the period's end, hires,
    reductions by type with the main reason, dispatched workers and hidden unemployment."""

    class Channel(models.TextChoices):
        ENTERPRISE = "enterprise", _("Filed online by the enterprise")
        CASEWORKER = "caseworker", _("Entered by a caseworker")

    class Check(models.TextChoices):
        PLAUSIBLE = "plausible", _("Plausible")
        FLAGGED = "flagged", _("Flagged for checking")
        CONFIRMED = "confirmed", _("Checked and confirmed")

    monitored = models.ForeignKey(MonitoredEnterprise, on_delete=models.PROTECT, related_name="returns")
    period = models.DateField(_("month"))
    headcount = models.PositiveIntegerField(_("headcount at period end"))
    hires = models.PositiveIntegerField(_("new hires"), default=0)
    reductions_closure = models.PositiveIntegerField(_("closure or bankruptcy"), default=0)
    reductions_suspension = models.PositiveIntegerField(_("suspension for rectification"), default=0)
    reductions_economic_layoff = models.PositiveIntegerField(_("economic layoff"), default=0)
    reductions_contract_end = models.PositiveIntegerField(_("contract ended or terminated"), default=0)
    reductions_resignation = models.PositiveIntegerField(_("resignation"), default=0)
    reductions_other = models.PositiveIntegerField(_("other reductions"), default=0)
    reductions = models.PositiveIntegerField(_("reductions"), default=0)  # their sum, kept for aggregates
    reduction_reason = models.CharField(_("main reason for reductions"), max_length=16, blank=True,
                                        choices=ReductionReason.choices)
    dispatched = models.PositiveIntegerField(_("dispatched workers"), default=0)
    hidden_unemployed = models.PositiveIntegerField(_("hidden unemployment"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    filed_late = models.BooleanField(_("filed late"), default=False)
    check_status = models.CharField(_("check"), max_length=16, choices=Check.choices, default=Check.PLAUSIBLE)
    check_findings = models.JSONField(default=list, blank=True)  # [{"code", "message"}]
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.CharField(_("check note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-period", "monitored"]
        verbose_name = _("monthly return")
        verbose_name_plural = _("monthly returns")
        permissions = [("file_return", "Can file the own enterprise's monthly monitoring return")]
        constraints = [
            models.UniqueConstraint(fields=["monitored", "period"], name="monitoring_one_return_per_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="monitoring_return_period_first_day"),
            models.CheckConstraint(
                condition=Q(reductions=F("reductions_closure") + F("reductions_suspension")
                            + F("reductions_economic_layoff") + F("reductions_contract_end")
                            + F("reductions_resignation") + F("reductions_other")),
                name="monitoring_return_reductions_sum"),
        ]
        indexes = [models.Index(fields=["period", "check_status"], name="monitoring_return_period_idx")]


class ReturnReminder(models.Model):
    """One reminder per firm and period, whoever sends it (a caseworker or the daily task)."""

    monitored = models.ForeignKey(MonitoredEnterprise, on_delete=models.PROTECT, related_name="reminders")
    period = models.DateField(_("month"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["monitored", "period"], name="monitoring_one_reminder")]


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("Yellow (level III)")
    ORANGE = "orange", _("Orange (level II)")
    RED = "red", _("Red (level I)")


class WarningRule(models.Model):
    """A warning rule as data (DOMAIN.md §8.3). Enterprise metrics are evaluated per firm within the scope;
    area metrics over the firms of each industry, county or the whole city."""

    class Scope(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        INDUSTRY = "industry", _("Industry")
        COUNTY = "county", _("District or county")
        CITY = "city", _("Whole city")

    class Metric(models.TextChoices):
        STATUTORY = "statutory", _("Statutory mass layoff (people or share of staff, from policy)")
        REDUCTIONS = "reductions", _("People reduced in the window")
        REDUCTION_RATIO = "reduction_ratio", _("Share of staff reduced in the window")
        DROP_VS_BASELINE = "drop_vs_baseline", _("Drop in headcount against the baseline")
        AREA_REDUCTION_RATIO = "area_reduction_ratio", _("Share of the area's staff reduced in the window")
        FIRMS_LAYING_OFF = "firms_laying_off", _("Firms each reducing more than the firm threshold")

    AREA_METRICS = (Metric.AREA_REDUCTION_RATIO, Metric.FIRMS_LAYING_OFF)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    # Limits the scope: an industry letter, a county code or a credit code; blank = every one.
    scope_value = models.CharField(_("only for"), max_length=18, blank=True)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4, null=True, blank=True)
    window_months = models.PositiveSmallIntegerField(_("window (months)"), default=1)
    # For FIRMS_LAYING_OFF: a firm counts when it reduces more than these people or this share of its staff.
    firm_min_people = models.PositiveIntegerField(_("per firm: more than people"), null=True, blank=True)
    firm_min_ratio = models.DecimalField(_("per firm: more than share"), max_digits=5, decimal_places=4, null=True,
                                         blank=True)
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices)
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["scope", "code"]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        constraints = [
            models.CheckConstraint(condition=Q(window_months__gte=1, window_months__lte=12),
                                   name="warning_rule_window_range"),
            models.CheckConstraint(condition=Q(metric="statutory") | Q(threshold__isnull=False),
                                   name="warning_rule_threshold_set"),
        ]

    def __str__(self):
        return self.name



class Warning(models.Model):  # noqa: A001 - the domain's word (预警)
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("warning status", "Open")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("warning status", "Acknowledged")
        HANDLED = "handled", pgettext_lazy("warning status", "Handled")
        CLOSED = "closed", pgettext_lazy("warning status", "Closed")

    ref = models.CharField(_("reference"), max_length=24, unique=True)
    rule = models.ForeignKey(WarningRule, on_delete=models.PROTECT, related_name="warnings")
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices)
    # What the warning is about: a firm, an industry letter, a county code or the city code.
    subject_key = models.CharField(max_length=18)
    subject_label = models.CharField(_("subject"), max_length=160)
    monitored = models.ForeignKey(MonitoredEnterprise, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="warnings")
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("district"))
    period = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=4)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    opened_at = models.DateTimeField(_("raised"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        permissions = [("handle_warning", "Can acknowledge, handle and close warnings")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_key", "period"], name="warning_once_per_subject_month"),
        ]
        indexes = [models.Index(fields=["status", "region"], name="warning_status_region_idx")]

    def __str__(self):
        return self.ref


class WarningEvent(models.Model):
    """The warning's own history: each move with its note."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class IndicatorSummary(models.Model):
    """One dashboard figure for an exact view (indicator, period, area), kept current by Celery beat so the
    dashboard reads a handful of rows instead of aggregating a million cases per request."""

    code = models.CharField(max_length=64)
    start = models.DateField()
    end = models.DateField()
    area = models.CharField(max_length=12)  # "" = whole city, "510800" = city level, or a district code
    value = models.DecimalField(max_digits=20, decimal_places=4)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "start", "end", "area"],
                                               name="indicator_summary_one_per_view")]
        indexes = [models.Index(fields=["start", "end", "area"], name="indicator_summary_view_idx")]
