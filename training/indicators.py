"""The training figures of the managers' dashboard, as the 2020 report counts them (section 一(二)): people
trained citywide (43,448 in 2020) and at the city level, 市本级 (4,179); packages published and drawn by public
lottery (institutions chosen: 17); training subsidy paid. Trainees count by the start date of their class."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.casework.models import Case, CaseStatus
from monitoring.indicators import Indicator, IndicatorQuery
from training.models import Draw, Trainee, TrainingPackage


def _trainees(query: IndicatorQuery) -> int:
    return (Trainee.objects.filter(query.region_q("training_class__region"))
            .filter(query.date_q("training_class__starts_on")).count())


def _city_level_trainees(query: IndicatorQuery) -> int:
    if query.region not in (None, CITY_CODE):
        return 0
    return (Trainee.objects.filter(training_class__region_id=CITY_CODE)
            .filter(query.date_q("training_class__starts_on")).count())


def _packages_published(query: IndicatorQuery) -> int:
    return (TrainingPackage.objects.filter(query.region_q()).filter(query.date_q("published_at__date")).count())


def _packages_drawn(query: IndicatorQuery) -> int:
    return (Draw.objects.filter(current=True, winner__isnull=False).filter(query.region_q("package__region"))
            .filter(query.date_q("drawn_at__date")).count())


def _institutions_chosen(query: IndicatorQuery) -> int:
    return (Draw.objects.filter(current=True, winner__isnull=False).filter(query.region_q("package__region"))
            .filter(query.date_q("drawn_at__date")).values("winner").distinct().count())


def _subsidy_paid(query: IndicatorQuery) -> Decimal:
    total = (Case.objects.filter(kind="PXBT", status=CaseStatus.PAID).filter(query.region_q())
             .filter(query.date_q("paid_at__date")).aggregate(total=Sum("payment__amount"))["total"])
    return total or Decimal("0.00")


def _classes_url(query: IndicatorQuery) -> str:
    return reverse("training:class_list")


def _packages_url(query: IndicatorQuery) -> str:
    return reverse("training:package_list")


def _draws_url(query: IndicatorQuery) -> str:
    return reverse("training:session_list") + "?" + urlencode({"status": "drawn"})


def _cases_url(query: IndicatorQuery) -> str:
    return reverse("casework:inbox") + "?" + urlencode({"kind": "PXBT", "status": "paid"})


INDICATORS = (
    Indicator("training.trainees", _("People trained (citywide; 2020: 43,448)"), "training", "people", _trainees,
              _classes_url, order=10),
    Indicator("training.trainees_city_level", _("People trained at the city level (市本级; 2020: 4,179)"), "training",
              "people", _city_level_trainees, _classes_url, order=20),
    Indicator("training.packages_published", _("Training packages published"), "training", "packages",
              _packages_published, _packages_url, order=30),
    Indicator("training.packages_drawn", _("Packages drawn by public lottery"), "training", "packages",
              _packages_drawn, _draws_url, order=40),
    Indicator("training.institutions_chosen", _("Institutions chosen by lottery (2020: 17)"), "training",
              "institutions", _institutions_chosen, _draws_url, order=50),
    Indicator("training.subsidy_paid", _("Training subsidy paid to institutions"), "training", "yuan", _subsidy_paid,
              _cases_url, order=60),
)
