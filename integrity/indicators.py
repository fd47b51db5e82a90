"""integrity's figures for the managers' dashboard: suspicious items still open, money under recovery, money
recovered. The 2020 report gives no figure for them (it reports the money paid, not what was sought back)."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from integrity.models import Finding, Recovery, RecoveryReceipt
from monitoring.indicators import Indicator, IndicatorQuery

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


def _region(query: IndicatorQuery) -> dict:
    return {"region": query.region} if query.region else {}


def open_findings(query: IndicatorQuery) -> int:
    """Open at the end of the period: found by then and not decided by then."""
    found = Finding.objects.filter(query.region_q("case__region"), created_at__date__lte=query.end)
    return (found.filter(status=Finding.Status.OPEN).count()
            + found.exclude(status=Finding.Status.OPEN).filter(decided_at__date__gt=query.end).count())


def amount_under_recovery(query: IndicatorQuery) -> Decimal:
    """Balance of the recoveries open today that were opened by the period's end."""
    return (Recovery.objects.filter(query.region_q("case__region"), status=Recovery.Status.OPEN,
                                    opened_at__date__lte=query.end)
            .aggregate(total=Coalesce(Sum(F("amount") - F("recovered"), output_field=MONEY), ZERO))["total"])


def amount_recovered(query: IndicatorQuery) -> Decimal:
    """Money back in the period: repayments and amounts withheld."""
    return (RecoveryReceipt.objects.filter(query.region_q("recovery__case__region"),
                                           received_on__range=(query.start, query.end))
            .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


def _link(url_name: str, **params):
    return lambda query: f"{reverse(url_name)}?{urlencode({**params, **_region(query)})}"


INDICATORS = (
    Indicator("integrity.open_findings", _("Suspicious items awaiting verification"), "integrity", "cases",
              open_findings, _link("integrity:finding_list", status="open"), order=10),
    Indicator("integrity.amount_under_recovery", _("Money being recovered"), "integrity", "yuan",
              amount_under_recovery, _link("integrity:recovery_list", status="open"), order=20),
    Indicator("integrity.amount_recovered", _("Money recovered"), "integrity", "yuan", amount_recovered,
              _link("integrity:recovery_list"), order=30),
)
