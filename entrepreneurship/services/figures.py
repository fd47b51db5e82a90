"""The report's headline (2020: 3,444 guaranteed loans, 439 million yuan, first in Sichuan): Guangyuan's loans
of a year, counted from the register, ranked among the cities of the province whose yearly figures the
Center's managers enter from the province's bulletins (CityLoanFigure).

Our own figure is the loans disbursed in the year (count, principal) as the register holds them; for a year
the register does not hold completely (before the portal went live) a manager may enter Guangyuan's own
published figure, which is then used instead and shown as entered, with its source. The cities are ranked by
amount, then by count; equal figures share a rank (1, 1, 3).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurship.models import CityLoanFigure, Loan
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ForbiddenError

OWN_CITY = "广元市"
EARLIEST_YEAR = 2009  # the guaranteed start-up loan began in 2009 (财金〔2008〕100号 ff.)
FIGURE_PERMISSION = "entrepreneurship.add_cityloanfigure"


def _city(name: str) -> str:
    """Cities compared by name without the 市 suffix: 绵阳 and 绵阳市 are one city."""
    name = (name or "").strip()
    return name[:-1] if name.endswith("市") and len(name) > 1 else name


def own_city_figures(year: int) -> tuple[int, Decimal]:
    """The loans disbursed in `year` and their principal, from the register (every district of the city)."""
    totals = Loan.objects.filter(disbursed_on__year=year, principal__isnull=False).aggregate(
        loans=Count("id"), amount=Sum("principal"))
    return totals["loans"] or 0, totals["amount"] or Decimal("0.00")


@dataclass(frozen=True)
class CityRow:
    city: str
    loans: int
    amount: Decimal
    source: str
    own: bool
    rank: int = 0


@dataclass(frozen=True)
class Headline:
    year: int
    loans: int
    amount: Decimal
    source: str  # "register" or the entered figure's source
    register_loans: int  # what the register holds for the year, shown beside an entered figure
    register_amount: Decimal
    rank: int | None  # None: no other city's figure entered for the year
    cities: int
    rows: tuple[CityRow, ...]

    @property
    def from_register(self) -> bool:
        return self.source == "register"


def headline(year: int) -> Headline:
    register_loans, register_amount = own_city_figures(year)
    entered = list(CityLoanFigure.objects.filter(year=year))
    own_entered = next((f for f in entered if _city(f.city) == _city(OWN_CITY)), None)
    if own_entered is not None:
        own = CityRow(OWN_CITY, own_entered.loans, own_entered.amount, own_entered.source, True)
    else:
        own = CityRow(OWN_CITY, register_loans, register_amount, "register", True)
    others = [CityRow(f.city, f.loans, f.amount, f.source, False) for f in entered if f is not own_entered]
    ordered = sorted([own, *others], key=lambda r: (-r.amount, -r.loans, r.city))
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(ordered, start=1):
        key = (row.amount, row.loans)
        if key != previous:
            rank, previous = position, key
        ranked.append(CityRow(row.city, row.loans, row.amount, row.source, row.own, rank))
    own_rank = next(r.rank for r in ranked if r.own)
    return Headline(year=year, loans=own.loans, amount=own.amount, source=own.source,
                    register_loans=register_loans, register_amount=register_amount,
                    rank=own_rank if others else None, cities=len(ranked), rows=tuple(ranked))


def _clean(data: dict) -> dict:
    errors: dict = {}
    cleaned: dict = {}
    try:
        year = int(str(data.get("year", "")).strip())
        if not EARLIEST_YEAR <= year <= timezone.localdate().year:
            raise ValueError
        cleaned["year"] = year
    except ValueError:
        errors["year"] = [_("Enter a year from %(first)d to this year.") % {"first": EARLIEST_YEAR}]
    city = str(data.get("city", "") or "").strip()
    if not city or len(city) > 32:
        errors["city"] = [_("Required, at most %(n)d characters.") % {"n": 32}]
    cleaned["city"] = city
    try:
        loans = int(str(data.get("loans", "")).replace(",", "").strip())
        if not 0 <= loans <= 10_000_000:
            raise ValueError
        cleaned["loans"] = loans
    except ValueError:
        errors["loans"] = [_("Enter a whole number, zero or more.")]
    try:
        amount = Decimal(str(data.get("amount", "")).replace(",", "").strip())
        if not amount.is_finite() or amount < 0 or amount > Decimal("999999999999.99") or \
                amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
        cleaned["amount"] = amount
    except InvalidOperation:
        errors["amount"] = [_("Enter an amount in yuan, zero or more, with at most 2 decimals.")]
    source = str(data.get("source", "") or "").strip()
    if len(source) < 2 or len(source) > 300:
        errors["source"] = [_("Say where the figure comes from (at most %(n)d characters).") % {"n": 300}]
    cleaned["source"] = source
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def city_figure_record(*, data: dict, actor) -> CityLoanFigure:
    """Enter (or correct) a city's published loans of a year. The same year and city again replaces the
    figure, audited with the old and new values."""
    if actor is None or actor.is_applicant or not actor.has_perm(FIGURE_PERMISSION):
        raise ForbiddenError(_("You may not enter other cities' loan figures."))
    cleaned = _clean(data)
    matches = [f for f in CityLoanFigure.objects.select_for_update().filter(year=cleaned["year"])
               if _city(f.city) == _city(cleaned["city"])]
    before = matches[0] if matches else None
    if before is None:
        figure = CityLoanFigure.objects.create(entered_by=actor, **cleaned)
        old = None
    else:
        old = {"loans": before.loans, "amount": str(before.amount), "source": before.source}
        for field in ("loans", "amount", "source"):
            setattr(before, field, cleaned[field])
        before.entered_by = actor
        before.save()
        figure = before
    audit_log(actor=actor, event_type="entrepreneurship.city_figure.record", obj=figure,
              details={"year": figure.year, "city": figure.city, "loans": figure.loans,
                       "amount": str(figure.amount), "source": figure.source, "before": old})
    return figure


def headline_year(today: datetime.date | None = None) -> int:
    """The year the loan list's headline shows: the latest year with cities' figures entered, else last year
    (the province publishes its figures after the year ends)."""
    latest = CityLoanFigure.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or (today or timezone.localdate()).year - 1
