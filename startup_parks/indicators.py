"""The managers' dashboard figures of entrepreneurship parks (the 2020 report: 7 provincial university-student
parks passed their re-evaluation): parks certified on the period's last day, re-evaluations passed in the period,
resident firms on its last day, and the jobs the firms reported for its months."""

from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from monitoring.indicators import Indicator, IndicatorQuery
from startup_parks.models import (
    ApplicationPurpose,
    ApplicationStatus,
    Certificate,
    CertificationApplication,
    JobsReport,
    Resident,
)

SECTION = "entrepreneurship"


def parks_certified(query: IndicatorQuery) -> int:
    """Parks holding a certificate valid on the period's last day and not ended by then."""
    return (Certificate.objects.filter(query.region_q("park__region"), valid_from__lte=query.end,
                                       valid_to__gte=query.end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=query.end)).values("park").distinct().count())


def reevaluations_passed(query: IndicatorQuery) -> int:
    return CertificationApplication.objects.filter(
        query.region_q("park__region"), query.date_q("decided_at__date"), purpose=ApplicationPurpose.REEVALUATION,
        status=ApplicationStatus.CERTIFIED).count()


def resident_firms(query: IndicatorQuery) -> int:
    return (Resident.objects.filter(query.region_q("park__region"), moved_in_on__lte=query.end)
            .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=query.end)).count())


def jobs_created(query: IndicatorQuery) -> int:
    return (JobsReport.objects.filter(query.region_q("resident__park__region"),
                                      period__range=(query.start.replace(day=1), query.end))
            .aggregate(total=Sum("jobs_created"))["total"] or 0)


def _drilldown(query: IndicatorQuery) -> str:
    params = {"region": query.region} if query.region else {}
    return reverse("startup_parks:park_list") + (f"?{urlencode(params)}" if params else "")


INDICATORS = (
    Indicator("startup_parks.certified", _("Certified entrepreneurship parks"), SECTION, "parks", parks_certified,
              _drilldown, order=60),
    Indicator("startup_parks.reevaluations_passed", _("Park re-evaluations passed"), SECTION, "parks",
              reevaluations_passed, _drilldown, order=61, report_2020=7),
    Indicator("startup_parks.resident_firms", _("Firms in entrepreneurship parks"), SECTION, "firms",
              resident_firms, _drilldown, order=62),
    Indicator("startup_parks.jobs_created", _("Jobs created by park firms"), SECTION, "people", jobs_created,
              _drilldown, order=63),
)
