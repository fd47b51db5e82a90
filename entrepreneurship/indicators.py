"""The managers' dashboard figures of start-up loans (the 2020 report: 3,444 guaranteed loans, 439 million
yuan, first in Sichuan): loans disbursed and their amount in the period, the outstanding principal and the
overdue rate at its end, and the interest subsidy of the quarters ending in it."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entrepreneurship import rules
from entrepreneurship.models import Loan, Repayment, SubsidyUpload, SubsidyUploadRow
from monitoring.indicators import Indicator, IndicatorQuery

SECTION = "entrepreneurship"


def _disbursed(query: IndicatorQuery):
    return Loan.objects.filter(query.region_q(), query.date_q("disbursed_on"))


def loans_count(query: IndicatorQuery) -> int:
    return _disbursed(query).count()


def loans_amount(query: IndicatorQuery) -> Decimal:
    return _disbursed(query).aggregate(total=Sum("principal"))["total"] or Decimal("0.00")


def _running_at_end(query: IndicatorQuery):
    return Loan.objects.filter(query.region_q(), disbursed_on__lte=query.end).exclude(settled_on__lte=query.end)


def outstanding(query: IndicatorQuery) -> Decimal:
    """Principal lent up to the period's end less the principal repaid by then."""
    loans = _running_at_end(query)
    lent = loans.aggregate(total=Sum("principal"))["total"] or Decimal(0)
    repaid = Repayment.objects.filter(loan__in=loans, paid_on__lte=query.end).aggregate(
        total=Sum("principal"))["total"] or Decimal(0)
    return lent - repaid


def overdue_rate(query: IndicatorQuery) -> Decimal:
    """Loans overdue on the period's last day, as a percentage of the loans running that day."""
    running = _running_at_end(query)
    total = running.count()
    if not total:
        return Decimal("0.00")
    overdue = running.filter(Q(overdue_periods__start__lte=query.end)
                             & (Q(overdue_periods__end__isnull=True) | Q(overdue_periods__end__gt=query.end))
                             ).distinct().count()
    return (Decimal(overdue) * 100 / total).quantize(Decimal("0.01"))


def subsidy(query: IndicatorQuery) -> Decimal:
    """The subsidy of the confirmed quarterly files whose quarter ends within the period."""
    quarters = Q(pk__in=[])
    year, quarter = query.start.year, (query.start.month - 1) // 3 + 1
    while True:
        start, end = rules.quarter_span(year, quarter)
        if start > query.end:
            break
        if start >= query.start.replace(day=1) and end.toordinal() - 1 <= query.end.toordinal():
            quarters |= Q(upload__year=year, upload__quarter=quarter)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    rows = SubsidyUploadRow.objects.filter(quarters, upload__status=SubsidyUpload.Status.CONFIRMED,
                                           loan__isnull=False).filter(query.region_q("loan__region"))
    return rows.aggregate(total=Sum("computed_subsidy"))["total"] or Decimal("0.00")


def _drilldown(query: IndicatorQuery) -> str:
    params = {"region": query.region} if query.region else {}
    return reverse("entrepreneurship:loan_list") + (f"?{urlencode(params)}" if params else "")


INDICATORS = (
    Indicator("entrepreneurship.loans_count", _("Guaranteed loans disbursed"), SECTION, "loans", loans_count,
              _drilldown, order=10, report_2020=3444),
    Indicator("entrepreneurship.loans_amount", _("Guaranteed loans, amount"), SECTION, "yuan", loans_amount,
              _drilldown, order=20, report_2020=Decimal("439000000")),
    Indicator("entrepreneurship.outstanding", _("Guaranteed loans outstanding"), SECTION, "yuan", outstanding,
              _drilldown, order=30),
    Indicator("entrepreneurship.overdue_rate", _("Guaranteed loans overdue rate"), SECTION, "percent", overdue_rate,
              _drilldown, order=40),
    Indicator("entrepreneurship.subsidy", _("Start-up loan interest subsidy"), SECTION, "yuan", subsidy,
              _drilldown, order=50),
)
