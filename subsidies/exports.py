"""The subsidy reports, registered with `reports` (found at start-up by its autodiscovery of `exports`):

- a register (台账) per kind: each case with its claim details, ID numbers masked unless a full-value export;
- monthly statistics by district: cases and money paid per month, 市本级 (510800) apart from the counties;
- the work report's indicators (DOMAIN.md §1): firms refunded, their amount and the posts stabilised; people
  paid the unemployment subsidy and its amount; other grants; the skill-upgrade subsidy.

Every queryset starts from the user's scope (accounts.selectors.scope_queryset); the export task masks and
neutralises formulas for all of them.
"""

import datetime

from django import forms
from django.db.models import CharField, Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.core.crypto import decrypt_value
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.reports.exports import (
    CaseRegisterFilterForm,
    case_register,
    kind_labels,
    yes_no_labels,
)
from guangyuan_jobs.reports.registry import (
    DATE,
    ID_NUMBER,
    MONEY,
    NUMBER,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)
from guangyuan_jobs.reports.selectors import case_register_queryset
from subsidies.kinds import SUBSIDY_KINDS
from subsidies.models import (
    HiringSubsidyDetail,
    JobExpansionSubsidyDetail,
    SkillUpgradeDetail,
    SocialInsuranceSubsidyDetail,
    StablePostRefundDetail,
    StartupSubsidyDetail,
    UnemploymentSubsidyDetail,
)
from subsidies.selectors_payments import MoneyPaid, money_paid

CITY_LEVEL_LABEL = _("City level (市本级)")
WHOLE_CITY_LABEL = _("Whole city")
# The indicators' kinds (DOMAIN.md §1): 稳岗返还, 失业补助金, 技能提升补贴, and the other grants together.
REFUND, UNEMPLOYMENT, SKILL = "WGFH", "SYBZJ", "JNTS"
OTHER_GRANTS = ("XNJY", "KGBZ", "SBBT", "CYBT")
# Sorts after every district code, so the whole-city line comes last.
TOTAL_KEY = "999999"
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ZERO_MONEY = Value(0, output_field=MONEY_FIELD)


def _district_labels() -> dict:
    labels = dict(Region.objects.filter(parent_id=CITY_CODE).values_list("code", "name"))
    labels[CITY_CODE] = CITY_LEVEL_LABEL
    labels[TOTAL_KEY] = WHOLE_CITY_LABEL
    return labels


def _detail(model, name: str, *, attr: str, kind: str = "text", width: int = 14, **extra) -> Column:
    """A column of a claim's detail, headed by the field's own (translated) name."""
    field = model._meta.get_field(name)
    labels = None
    if field.choices:
        choices = dict(field.choices)
        labels = lambda choices=choices: choices  # noqa: E731 - a label map built once per export
    return Column(field.verbose_name, f"{attr}__{name}", kind=kind, width=width, labels=labels, **extra)


# ---------------------------------------------------------------- registers (台账)

class KindRegisterFilterForm(CaseRegisterFilterForm):
    """The case register's filters without the kind: each register is one kind's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


# The case register's own columns, less those a register of one kind does not need.
CASE_COLUMNS = tuple(column for column in case_register.columns
                     if column.source not in ("kind", "accepted_on", "due_date", "overdue"))

S, U, J, H, SI, T = (StablePostRefundDetail, UnemploymentSubsidyDetail, SkillUpgradeDetail, HiringSubsidyDetail,
                    SocialInsuranceSubsidyDetail, StartupSubsidyDetail)
DETAIL_COLUMNS: dict[str, tuple[Column, ...]] = {
    "WGFH": tuple(_detail(S, name, attr="stable_post_refund", kind=kind) for name, kind in (
        ("premium_year", NUMBER), ("size_class", "text"), ("average_insured_staff", NUMBER),
        ("new_ui_claimants", NUMBER), ("prior_year_premiums", MONEY), ("contribution_months", NUMBER),
        ("channel", "text"), ("confirmation_due", DATE), ("confirmed_at", DATE))) + (
        Column(S._meta.get_field("dishonest").verbose_name, "stable_post_refund__dishonest", width=8,
               labels=yes_no_labels),),
    "SYBZJ": tuple(_detail(U, name, attr="unemployment_subsidy", kind=kind) for name, kind in (
        ("category", "text"), ("unemployed_since", DATE), ("insured_months", NUMBER), ("monthly_amount", MONEY),
        ("months", NUMBER), ("stopped_on", DATE), ("stop_reason", "text"))),
    "JNTS": tuple(_detail(J, name, attr="skill_upgrade", kind=kind) for name, kind in (
        ("occupation_code", "text"), ("occupation_name", "text"), ("level", "text"), ("certificate_no", "text"),
        ("issued_on", DATE), ("ui_contribution_months", NUMBER))),
    "XNJY": (
        Column(_("Hired person"), "hiring_subsidy__hired_person__name", width=12),
        Column(_("Hired person's ID number"), "hiring_subsidy__hired_person__id_number_masked", kind=ID_NUMBER,
               width=21, full_source="hiring_subsidy__hired_person__id_number_encrypted", reveal=decrypt_value),
        _detail(H, "hired_on", attr="hiring_subsidy", kind=DATE),
        _detail(H, "contract_months", attr="hiring_subsidy", kind=NUMBER),
    ),
    "KGBZ": (
        Column(_("Hired person"), "job_expansion_subsidy__hired_person__name", width=12),
        Column(_("Hired person's ID number"), "job_expansion_subsidy__hired_person__id_number_masked",
               kind=ID_NUMBER, width=21, full_source="job_expansion_subsidy__hired_person__id_number_encrypted",
               reveal=decrypt_value),
        *(_detail(JobExpansionSubsidyDetail, name, attr="job_expansion_subsidy", kind=kind) for name, kind in (
            ("hired_on", DATE), ("category", "text"), ("left_school_on", DATE), ("insured_months", NUMBER))),
    ),
    "SBBT": tuple(_detail(SI, name, attr="social_insurance_subsidy", kind=kind) for name, kind in (
        ("category", "text"), ("months", NUMBER), ("monthly_contribution", MONEY))),
    "CYBT": tuple(_detail(T, name, attr="startup_subsidy", kind=kind) for name, kind in (
        ("business_name", "text"), ("business_credit_code", "text"), ("registered_on", DATE))),
}


def _register_queryset(code: str):
    def queryset(user, filters: dict) -> QuerySet[Case]:
        return case_register_queryset(user=user, filters={**filters, "kind": code})
    return queryset


for _kind in SUBSIDY_KINDS:
    register_report(ReportDefinition(
        code=f"subsidy_register_{_kind.code.lower()}",
        label=format_lazy(_("{kind} register"), kind=_kind.label),
        description=_("Every claim of this kind you may see, with its details (ID numbers masked)."),
        permission="casework.view_case",
        filter_form=KindRegisterFilterForm,
        queryset=_register_queryset(_kind.code),
        columns=CASE_COLUMNS + DETAIL_COLUMNS.get(_kind.code, ()),
    ))


# ---------------------------------------------------------------- monthly statistics by district

def _year_choices():
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - 10, -1)]


class SubsidyStatisticsFilterForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    region = forms.ModelChoiceField(label=_("District"), required=False, queryset=Region.objects.none(),
                                    to_field_name="code", empty_label=_("All regions I may see"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["kind"].choices = [("", _("All kinds")), *[(k.code, k.label) for k in SUBSIDY_KINDS]]
        self.fields["region"].queryset = Region.objects.filter(Q(code=CITY_CODE) | Q(parent_id=CITY_CODE))


def _money_in_year(filters: dict) -> MoneyPaid:
    """The money paid in the year (local time): a monthly subsidy's months when the bank paid them, any other
    case's payment order when the case was paid (selectors_payments.money_paid)."""
    year = int(filters["year"])
    return money_paid(first=datetime.date(year, 1, 1), last=datetime.date(year, 12, 31))


def _paid_in_year(user, filters: dict) -> QuerySet[Case]:
    """The subsidy cases paid money in the year that the user may see, filtered by kind and district: a row per
    month paid of a monthly subsidy, so cases, people and firms are counted distinct."""
    kinds = [filters["kind"]] if filters.get("kind") else [k.code for k in SUBSIDY_KINDS]
    cases = Case.objects.filter(kind__in=kinds).filter(_money_in_year(filters).q)
    if filters.get("region"):
        cases = cases.filter(region__pk__startswith=filters["region"].code)
    return scope_queryset(cases, user=user, region_field="region", person_field="applicant_person",
                          enterprise_field="applicant_enterprise")


def _district():
    # Towns and villages count with their district; 510800 itself is 市本级, apart from the counties.
    return Substr("region_id", 1, 6, output_field=CharField())


def monthly_statistics_queryset(user, filters: dict) -> QuerySet:
    """Per month paid: a monthly subsidy's case counts in each month one of its months was paid, once however
    many months were paid together; its money in the month the bank paid it."""
    money = _money_in_year(filters)
    return (_paid_in_year(user, filters)
            .annotate(month=TruncMonth(money.paid_at), district=_district())
            .values("month", "district", "kind")
            .annotate(cases=Count("id", distinct=True), people=Count("applicant_person", distinct=True),
                      firms=Count("applicant_enterprise", distinct=True),
                      amount=Coalesce(Sum(money.amount), ZERO_MONEY, output_field=MONEY_FIELD))
            .order_by("month", "district", "kind"))


register_report(ReportDefinition(
    code="subsidy_monthly_statistics",
    label=_("Subsidies paid, monthly statistics by district"),
    description=_("Cases and money paid per month, district and kind; the city level (市本级) apart from the "
                  "counties."),
    permission="casework.view_case",
    filter_form=SubsidyStatisticsFilterForm,
    queryset=monthly_statistics_queryset,
    columns=(
        Column(_("Month"), "month", kind=DATE, width=12),
        Column(_("District"), "district", width=14, labels=_district_labels),
        Column(_("Kind"), "kind", width=30, labels=kind_labels),
        Column(_("Cases paid"), "cases", kind=NUMBER, width=10),
        Column(_("People"), "people", kind=NUMBER, width=10),
        Column(_("Enterprises"), "firms", kind=NUMBER, width=10),
        Column(_("Amount paid (yuan)"), "amount", kind=MONEY, width=16),
    ),
))


# ---------------------------------------------------------------- the work report's indicators

def _indicators(cases: QuerySet, paid: MoneyPaid) -> QuerySet:
    def of(*kinds):
        return Q(kind__in=kinds)

    def money(*kinds):
        return Coalesce(Sum(paid.amount, filter=of(*kinds)), ZERO_MONEY, output_field=MONEY_FIELD)

    return cases.annotate(
        firms_refunded=Count("applicant_enterprise", distinct=True, filter=of(REFUND)),
        refund_amount=money(REFUND),
        # Posts stabilised: the average insured staff of the refunded firms (the report's 66,108 posts).
        posts=Coalesce(Sum("stable_post_refund__average_insured_staff", filter=of(REFUND)),
                       Value(0), output_field=IntegerField()),
        people_paid=Count("applicant_person", distinct=True, filter=of(UNEMPLOYMENT)),
        unemployment_amount=money(UNEMPLOYMENT),
        other_cases=Count("id", distinct=True, filter=of(*OTHER_GRANTS)),
        other_amount=money(*OTHER_GRANTS),
        skill_people=Count("applicant_person", distinct=True, filter=of(SKILL)),
        skill_amount=money(SKILL),
    )


INDICATOR_FIELDS = ("area", "firms_refunded", "refund_amount", "posts", "people_paid", "unemployment_amount",
                    "other_cases", "other_amount", "skill_people", "skill_amount")


def indicators_queryset(user, filters: dict) -> QuerySet:
    """One line per district (市本级 apart) and a last line for everything the user may see."""
    cases = _paid_in_year(user, filters).order_by()  # no ORDER BY inside a UNION
    paid = _money_in_year(filters)
    by_district = _indicators(cases.annotate(area=_district()).values("area"), paid).values(*INDICATOR_FIELDS)
    # Grouped by a constant: one line over every case, also when there is none.
    total = _indicators(cases.annotate(area=Value(TOTAL_KEY, output_field=CharField())).values("area"), paid
                        ).values(*INDICATOR_FIELDS)
    return by_district.union(total, all=True).order_by("area")


register_report(ReportDefinition(
    code="subsidy_indicators",
    label=_("Subsidy indicators of the work report"),
    description=_("Per district and for the whole area you may see, for one year: firms refunded and posts "
                  "stabilised, people paid the unemployment subsidy, other grants, the skill-upgrade subsidy."),
    permission="casework.view_case",
    filter_form=SubsidyStatisticsFilterForm,
    queryset=indicators_queryset,
    columns=(
        Column(_("District"), "area", width=14, labels=_district_labels),
        Column(_("Firms refunded (stable-post refund)"), "firms_refunded", kind=NUMBER, width=14),
        Column(_("Stable-post refund (yuan)"), "refund_amount", kind=MONEY, width=16),
        Column(_("Posts stabilised"), "posts", kind=NUMBER, width=12),
        Column(_("People paid the unemployment subsidy"), "people_paid", kind=NUMBER, width=14),
        Column(_("Unemployment subsidy (yuan)"), "unemployment_amount", kind=MONEY, width=16),
        Column(_("Other grants (cases)"), "other_cases", kind=NUMBER, width=12),
        Column(_("Other grants (yuan)"), "other_amount", kind=MONEY, width=16),
        Column(_("People paid the skill-upgrade subsidy"), "skill_people", kind=NUMBER, width=14),
        Column(_("Skill-upgrade subsidy (yuan)"), "skill_amount", kind=MONEY, width=16),
    ),
))
