"""The forms' figures, computed from the records of the other apps for one statistical month and area."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import region_scope_q
from guangyuan_jobs.casework.kinds import all_kinds
from guangyuan_jobs.casework.models import Payment
from guangyuan_jobs.policy.selectors import policy_value
from monitoring.indicators import area_q
from stat_reports.definitions import FORMS, Row, StatForm, Values
from stat_reports.rules import in_money_unit, statistical_month, statistical_year_start

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    year: int
    month: int
    start: datetime.date
    end: datetime.date
    year_start: datetime.date

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class CheckResult:
    label: str
    holds: bool


@dataclass(frozen=True)
class FormResult:
    form: StatForm
    period: Period
    region: str | None
    rows: tuple[Row, ...]
    values: Values
    checks: tuple[CheckResult, ...]

    @property
    def balanced(self) -> bool:
        return all(check.holds for check in self.checks)


def statistical_period(year: int, month: int) -> Period:
    reference = datetime.date(year, month, 1)
    start_day = int(policy_value("stats.month_start_day", on=reference))
    start, end = statistical_month(year, month, start_day=start_day)
    return Period(year=year, month=month, start=start, end=end,
                  year_start=statistical_year_start(year, start_day=start_day))


def _scoped(queryset, *, user, region: str | None, field: str):
    area = region_scope_q(user, region_field=field)
    queryset = queryset.filter(area_q(region, field))
    return queryset if area is None else queryset.filter(area)


def _employment(period: Period, *, user, region: str | None) -> Values:
    from priority_groups.models import EmploymentRegistration, GroupMembership

    registrations = _scoped(EmploymentRegistration.objects.filter(kind="employment"), user=user, region=region,
                            field="region")
    # A person counts once a statistical year: on the day of their first employment registration in it.
    first = {row["person"]: row["first"] for row in registrations
             .filter(registered_on__range=(period.year_start, period.end))
             .values("person").annotate(first=Min("registered_on"))}
    this_month = {person: day for person, day in first.items() if day >= period.start}
    # New forms of employment: the first registration of the year was platform work.
    platform_days = set(registrations.filter(form="platform", registered_on__range=(period.year_start, period.end))
                        .values_list("person", "registered_on"))
    platform = {person for person, day in first.items() if (person, day) in platform_days}
    # Hard to employ on the day they found work: one query for the year's people, the dates compared here.
    spells = GroupMembership.objects.filter(person__in=list(first), group_id="hard_to_employ",
                                            valid_from__lte=period.end).values_list("person", "valid_from", "valid_to")
    hard_to_employ = {person for person, start, end in spells
                      if start <= first[person] and (end is None or end >= first[person])}
    found_work = {row["person"]: row["first"] for row in _scoped(
        EmploymentRegistration.objects.filter(kind="unemployment", end_reason="employed",
                                              ended_on__range=(period.year_start, period.end)),
        user=user, region=region, field="region").values("person").annotate(first=Min("ended_on"))}
    return {
        "new_urban": {"month": len(this_month), "ytd": len(first)},
        "new_forms": {"month": len(platform & set(this_month)), "ytd": len(platform)},
        "hard_to_employ": {"month": len(hard_to_employ & set(this_month)), "ytd": len(hard_to_employ)},
        "reemployed": {"month": sum(1 for day in found_work.values() if day >= period.start),
                       "ytd": len(found_work)},
    }


def _unemployment(period: Period, *, user, region: str | None) -> Values:
    from priority_groups.models import EmploymentRegistration

    # ended_on is the day a registration stopped counting: registered on [registered_on, ended_on).
    regs = _scoped(EmploymentRegistration.objects.filter(kind="unemployment"), user=user, region=region,
                   field="region")
    open_on = lambda day: regs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day),  # noqa: E731
                                      registered_on__lte=day)
    ended = regs.filter(ended_on__range=(period.start, period.end))
    return {
        "opening": {"people": open_on(period.start - ONE_DAY).count()},
        "added": {"people": regs.filter(registered_on__range=(period.start, period.end)).count()},
        "removed": {"people": ended.count()},
        "removed_employed": {"people": ended.filter(end_reason="employed").count()},
        "closing": {"people": open_on(period.end).count()},
    }


def _graduates(period: Period, *, user, region: str | None) -> Values:
    from priority_groups.models import EmploymentRegistration, GroupMembership

    # A membership covers [valid_from, valid_to], both days included.
    members = _scoped(GroupMembership.objects.filter(group_id="graduate"), user=user, region=region,
                      field="person__region")
    member_on = lambda day: members.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day),  # noqa: E731
                                           valid_from__lte=day)
    removed = members.filter(valid_to__range=(period.start - ONE_DAY, period.end - ONE_DAY))
    employed = EmploymentRegistration.objects.filter(kind="employment",
                                                     registered_on__range=(period.start - ONE_DAY, period.end))
    return {
        "opening": {"people": member_on(period.start - ONE_DAY).count()},
        "added": {"people": members.filter(valid_from__range=(period.start, period.end)).count()},
        "removed": {"people": removed.count()},
        "removed_employed": {"people": removed.filter(person__in=employed.values("person")).count()},
        "closing": {"people": member_on(period.end).count()},
    }


def _spending_rows() -> tuple[Row, ...]:
    return (Row("total", _("Total")), *(Row(kind.code, kind.label) for kind in all_kinds()))


def _spending(period: Period, *, user, region: str | None) -> Values:
    """Money paid per kind: a monthly subsidy (失业补助金) counts each month the bank paid in the statistical
    month it was paid, and its payment order, closed with the sum of those months, never again (subsidies'
    `money_paid`). The count is of claims paid: a claim paid several months at once (a late approval catching
    up) is one claim paid that month, and one paid a month in each of two statistical months counts in both."""
    from subsidies.selectors_payments import money_paid

    unit = int(policy_value("stats.money_unit", on=period.end))
    decimals = int(policy_value("stats.money_decimals", on=period.end))
    orders = _scoped(Payment.objects.all(), user=user, region=region, field="case__region")

    def per_kind(start: datetime.date):
        money = money_paid(first=start, last=period.end, of_orders=True)
        return {row["case__kind"]: row for row in orders.filter(money.q).values("case__kind")
                .annotate(count=Count("id", distinct=True), amount=Sum(money.amount))}

    month, year = per_kind(period.start), per_kind(period.year_start)
    values: Values = {}
    for row in _spending_rows()[1:]:
        # Each cell is rounded to the form's unit and the total adds the rounded cells, as a filed form does.
        values[row.code] = {
            "count": month.get(row.code, {}).get("count", 0),
            "amount": in_money_unit(month.get(row.code, {}).get("amount") or Decimal(0), unit=unit, decimals=decimals),
            "ytd": in_money_unit(year.get(row.code, {}).get("amount") or Decimal(0), unit=unit, decimals=decimals),
        }
    values["total"] = {column: sum((v[column] for v in values.values()), start=0) for column in ("count", "amount",
                                                                                              "ytd")}
    return values


COMPUTE = {"employment": _employment, "unemployment": _unemployment, "graduates": _graduates,
           "spending": _spending}


def form_values(form_code: str, period: Period, *, user, region: str | None) -> Values:
    return COMPUTE[form_code](period, user=user, region=region)


def form_result(form_code: str, *, year: int, month: int, user, region: str | None) -> FormResult:
    """The form's figures for the month and area (within what `user` may see) with its balance checks."""
    form = FORMS[form_code]
    period = statistical_period(year, month)
    values = form_values(form_code, period, user=user, region=region)
    previous = None
    if month > 1:
        previous = form_values(form_code, statistical_period(year, month - 1), user=user, region=region)
    checks = tuple(CheckResult(label=str(check.label), holds=bool(check.holds(values, previous)))
                   for check in form.checks)
    rows = _spending_rows() if form_code == "spending" else form.rows
    return FormResult(form=form, period=period, region=region, rows=rows, values=values, checks=checks)
