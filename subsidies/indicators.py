"""The subsidy figures of the managers' dashboard (DOMAIN.md §1): counted as the subsidies' own indicator
report counts them (subsidies/exports.py): the money paid in the period (a monthly subsidy's months when the bank
paid them, any other case's payment order when the case was paid; selectors_payments.money_paid), and the cases,
people and firms it was paid to, each once however many months they were paid in the period."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.casework.models import Case
from monitoring.indicators import Indicator, IndicatorQuery
from subsidies.selectors_payments import MoneyPaid, money_paid

SECTION = "subsidies"
REFUND, UNEMPLOYMENT, SKILL = "WGFH", "SYBZJ", "JNTS"
OTHER_GRANTS = ("XNJY", "KGBZ", "SBBT", "CYBT")


def _money(query: IndicatorQuery) -> MoneyPaid:
    """The money paid in the period (local days)."""
    return money_paid(first=query.start, last=query.end)


def _paid(query: IndicatorQuery, kinds: tuple[str, ...], *, city_level: bool = False):
    """Cases of the kinds paid money in the period in the area, a row per month paid (count them distinct);
    `city_level`: those of 市本级 only."""
    cases = Case.objects.filter(kind__in=kinds).filter(_money(query).q)
    if city_level:
        if query.region not in (None, CITY_CODE):
            return cases.none()  # a district has no city-level part
        return cases.filter(region_id=CITY_CODE)
    return cases.filter(query.region_q())


def _amount(cases, query: IndicatorQuery) -> Decimal:
    return cases.aggregate(total=Sum(_money(query).amount))["total"] or Decimal("0.00")


def _records(kinds: tuple[str, ...], *, city_level: bool = False):
    def drilldown(query: IndicatorQuery) -> str:
        region = CITY_CODE if city_level else (query.region or "")
        params = {"kind": ",".join(kinds), "status": "paid", "start": query.start.isoformat(),
                  "end": query.end.isoformat()}
        if region:
            params["region"] = region
        return f"{reverse('monitoring:case_records')}?{urlencode(params)}"
    return drilldown


def refund_firms(query: IndicatorQuery) -> int:
    return _paid(query, (REFUND,)).aggregate(n=Count("applicant_enterprise", distinct=True))["n"]


def refund_amount(query: IndicatorQuery) -> Decimal:
    return _amount(_paid(query, (REFUND,)), query)


def refund_posts(query: IndicatorQuery) -> int:
    """Posts stabilised: the average insured staff of the firms refunded (the report's 66,108 posts)."""
    return _paid(query, (REFUND,)).aggregate(n=Sum("stable_post_refund__average_insured_staff"))["n"] or 0


def unemployment_people(query: IndicatorQuery) -> int:
    return _paid(query, (UNEMPLOYMENT,)).aggregate(n=Count("applicant_person", distinct=True))["n"]


def unemployment_people_city_level(query: IndicatorQuery) -> int:
    return (_paid(query, (UNEMPLOYMENT,), city_level=True)
            .aggregate(n=Count("applicant_person", distinct=True))["n"])


def unemployment_amount(query: IndicatorQuery) -> Decimal:
    return _amount(_paid(query, (UNEMPLOYMENT,)), query)


def other_grants_cases(query: IndicatorQuery) -> int:
    return _paid(query, OTHER_GRANTS).aggregate(n=Count("pk", distinct=True))["n"]


def other_grants_amount(query: IndicatorQuery) -> Decimal:
    return _amount(_paid(query, OTHER_GRANTS), query)


def skill_people(query: IndicatorQuery) -> int:
    return _paid(query, (SKILL,)).aggregate(n=Count("applicant_person", distinct=True))["n"]


def skill_amount(query: IndicatorQuery) -> Decimal:
    return _amount(_paid(query, (SKILL,)), query)


def skill_amount_city_level(query: IndicatorQuery) -> Decimal:
    return _amount(_paid(query, (SKILL,), city_level=True), query)


INDICATORS = (
    Indicator("subsidies.wgfh_firms", _("Firms paid the stable-post refund"), SECTION, "firms", refund_firms,
              _records((REFUND,)), order=10, report_2020=884),
    Indicator("subsidies.wgfh_amount", _("Stable-post refund paid"), SECTION, "yuan", refund_amount,
              _records((REFUND,)), order=20, report_2020=Decimal("130000000")),
    Indicator("subsidies.wgfh_posts", _("Posts stabilised"), SECTION, "posts", refund_posts, _records((REFUND,)),
              order=30, report_2020=66108),
    Indicator("subsidies.sybzj_people", _("People paid the unemployment subsidy"), SECTION, "people",
              unemployment_people, _records((UNEMPLOYMENT,)), order=40, report_2020=16735),
    Indicator("subsidies.sybzj_people_city_level", _("People paid the unemployment subsidy, city level"), SECTION,
              "people", unemployment_people_city_level, _records((UNEMPLOYMENT,), city_level=True), order=50,
              report_2020=7335),
    Indicator("subsidies.sybzj_amount", _("Unemployment subsidy paid"), SECTION, "yuan", unemployment_amount,
              _records((UNEMPLOYMENT,)), order=60, report_2020=Decimal("85179300")),
    Indicator("subsidies.other_cases", _("Other grants paid (hiring, social insurance, start-up)"), SECTION,
              "cases", other_grants_cases, _records(OTHER_GRANTS), order=70),
    Indicator("subsidies.other_amount", _("Other grants paid, amount"), SECTION, "yuan", other_grants_amount,
              _records(OTHER_GRANTS), order=80, report_2020=Decimal("217713700")),
    Indicator("subsidies.jnts_people", _("People paid the skill-upgrade subsidy"), SECTION, "people", skill_people,
              _records((SKILL,)), order=90),
    Indicator("subsidies.jnts_amount", _("Skill-upgrade subsidy paid"), SECTION, "yuan", skill_amount,
              _records((SKILL,)), order=100, report_2020=Decimal("49148900")),
    Indicator("subsidies.jnts_amount_city_level", _("Skill-upgrade subsidy paid, city level"), SECTION, "yuan",
              skill_amount_city_level, _records((SKILL,), city_level=True), order=110,
              report_2020=Decimal("7859900")),
)
