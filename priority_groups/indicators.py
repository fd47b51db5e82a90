"""The priority-group figures of the managers' dashboard (the 2020 report, section 一(四)), each counted from
people's memberships, status history and service records. 2020 figures for comparison: 185k poor labourers,
157.6k placed; 4,608 unemployed graduates served one-to-one, 11,390 person-times, 4,544 (98.6 %) employed or
preparing; 25,196 reservoir-area migrants placed; retired fishermen 100 % placed."""

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.models import Person
from monitoring.indicators import Indicator, IndicatorQuery
from priority_groups.models import ServiceRecord
from priority_groups.selectors import group_figures

SECTION = "priority_groups"


def _people(query: IndicatorQuery) -> QuerySet[Person]:
    return Person.objects.filter(query.region_q("region"))


def _figures(group: str, query: IndicatorQuery):
    return group_figures(people=_people(query), group=group, start=query.start, end=query.end)


def _report_url(group: str):
    def drilldown(query: IndicatorQuery) -> str:
        params = {"group": group, "year": query.end.year, "by": "district"}
        return f"{reverse('priority_groups:report')}?{urlencode(params)}"
    return drilldown


def _services_url(query: IndicatorQuery) -> str:
    params = {"start": query.start.isoformat(), "end": query.end.isoformat()}
    if query.region:
        params["region"] = query.region[:6]
    return f"{reverse('priority_groups:service_list')}?{urlencode(params)}"


def _rate_or_zero(value):
    return value if value is not None else 0


INDICATORS = (
    Indicator("priority_groups.poor_labourers", _("Poor labourers followed (贫困劳动者)"), SECTION, "people",
              lambda q: _figures("poverty_labourer", q).members, _report_url("poverty_labourer"), order=10),
    Indicator("priority_groups.poor_labourers_placed", _("Poor labourers placed in work"), SECTION, "people",
              lambda q: _figures("poverty_labourer", q).placed, _report_url("poverty_labourer"), order=11),
    Indicator("priority_groups.graduates_served", _("Unemployed graduates served one-to-one"), SECTION, "people",
              lambda q: _figures("graduate", q).served, _report_url("graduate"), order=20),
    Indicator("priority_groups.graduate_person_times", _("Services to unemployed graduates"), SECTION,
              "person_times", lambda q: _figures("graduate", q).person_times, _report_url("graduate"), order=21),
    Indicator("priority_groups.graduates_employed_or_preparing", _("Graduates employed or preparing"), SECTION,
              "people", lambda q: _figures("graduate", q).employed_or_preparing, _report_url("graduate"), order=22),
    Indicator("priority_groups.graduates_employed_or_preparing_rate", _("Graduates employed or preparing (%)"),
              SECTION, "percent", lambda q: _rate_or_zero(_figures("graduate", q).employed_or_preparing_rate),
              _report_url("graduate"), order=23),
    Indicator("priority_groups.reservoir_migrants_placed", _("Reservoir-area migrants placed in work"), SECTION,
              "people", lambda q: _figures("reservoir_migrant", q).placed, _report_url("reservoir_migrant"),
              order=30),
    Indicator("priority_groups.retired_fishermen_placed_rate", _("Retired fishermen placed (%)"), SECTION, "percent",
              lambda q: _rate_or_zero(_figures("retired_fisherman", q).placed_rate),
              _report_url("retired_fisherman"), order=40),
    Indicator("priority_groups.person_times", _("Services to priority-group people (person-times)"), SECTION,
              "person_times", lambda q: ServiceRecord.objects.filter(
                  q.region_q("person__region"), served_on__range=(q.start, q.end)).count(), _services_url, order=50),
)
