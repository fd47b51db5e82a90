"""The monthly statistical forms: their rows, columns and the balance formulas that must hold before a form may
be exported for filing. The figures themselves are computed from the records in selectors.py."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# values[row code][column code]
Values = dict[str, dict[str, int | Decimal]]


@dataclass(frozen=True)
class Row:
    code: str
    label: str


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    money: bool = False  # in the form's money unit (万元) rather than a count


@dataclass(frozen=True)
class Check:
    """A balance formula. `holds(values, previous)` gets this month's figures and the previous month's of the
    same statistical year (None for its first month)."""

    label: str
    holds: Callable[[Values, Values | None], bool]


@dataclass(frozen=True)
class StatForm:
    code: str
    title: str
    unit: str
    columns: tuple[Column, ...]
    checks: tuple[Check, ...]
    # Rows are fixed for most forms; the spending form has one row per case kind (selectors decide).
    rows: tuple[Row, ...] = ()


def _part_of(part: str, whole: str, *, columns: tuple[str, ...], label: str) -> Check:
    return Check(label, lambda v, _prev: all(v[part][c] <= v[whole][c] for c in columns))


def _running_total(rows: tuple[str, ...], *, month: str, total: str) -> Check:
    return Check(_("Year to date = last month's year to date + this month (every row)"),
                 lambda v, prev: all(v[r][total] == (prev[r][total] if prev else 0) + v[r][month] for r in rows))


def _stock_flow(*, opening: str, added: str, removed: str, closing: str) -> tuple[Check, ...]:
    return (
        Check(_("Closing = opening + added − removed"),
              lambda v, _prev: v[closing]["people"] == v[opening]["people"] + v[added]["people"]
              - v[removed]["people"]),
        Check(_("Opening = last month's closing"),
              lambda v, prev: prev is None or v[opening]["people"] == prev[closing]["people"]),
    )


EMPLOYMENT_ROWS = (
    Row("new_urban", _("New urban employment (people, each counted once a year)")),
    Row("new_forms", _("  of which: platform work (new forms of employment)")),
    Row("hard_to_employ", _("  of which: people with employment difficulties")),
    Row("reemployed", _("Registered unemployed who found work")),
)
EMPLOYMENT = StatForm(
    code="employment", title=_("Urban employment (monthly)"), unit=_("people"),
    columns=(Column("month", _("This month")), Column("ytd", _("Year to date"))),
    rows=EMPLOYMENT_ROWS,
    checks=(
        _part_of("new_forms", "new_urban", columns=("month", "ytd"),
                 label=_("Platform work ≤ new urban employment")),
        _part_of("hard_to_employ", "new_urban", columns=("month", "ytd"),
                 label=_("People with employment difficulties ≤ new urban employment")),
        _running_total(tuple(r.code for r in EMPLOYMENT_ROWS), month="month", total="ytd"),
    ),
)

UNEMPLOYMENT = StatForm(
    code="unemployment", title=_("Registered urban unemployment (monthly)"), unit=_("people"),
    columns=(Column("people", _("People")),),
    rows=(
        Row("opening", _("Registered unemployed at the start of the month")),
        Row("added", _("Newly registered this month")),
        Row("removed", _("Registration ended this month")),
        Row("removed_employed", _("  of which: found work")),
        Row("closing", _("Registered unemployed at the end of the month")),
    ),
    checks=(*_stock_flow(opening="opening", added="added", removed="removed", closing="closing"),
            _part_of("removed_employed", "removed", columns=("people",), label=_("Found work ≤ ended"))),
)

GRADUATES = StatForm(
    code="graduates", title=_("Unemployed college graduates (monthly)"), unit=_("people"),
    columns=(Column("people", _("People")),),
    rows=(
        Row("opening", _("Unemployed graduates followed at the start of the month")),
        Row("added", _("Added this month")),
        Row("removed", _("No longer followed this month")),
        Row("removed_employed", _("  of which: found work")),
        Row("closing", _("Unemployed graduates followed at the end of the month")),
    ),
    checks=(*_stock_flow(opening="opening", added="added", removed="removed", closing="closing"),
            _part_of("removed_employed", "removed", columns=("people",), label=_("Found work ≤ no longer followed"))),
)

SPENDING_COLUMNS = (Column("count", _("Claims paid this month")), Column("amount", _("Paid this month"), money=True),
                    Column("ytd", _("Paid year to date"), money=True))


def _spending_total_check(v: Values, _prev: Values | None) -> bool:
    items = [code for code in v if code != "total"]
    return all(v["total"][c.code] == sum((v[code][c.code] for code in items), start=0) for c in SPENDING_COLUMNS)


def _spending_running_total(v: Values, prev: Values | None) -> bool:
    return all(v[code]["ytd"] == ((prev or {}).get(code, {}).get("ytd", 0) + v[code]["amount"]) for code in v)


SPENDING = StatForm(
    code="spending", title=_("Employment subsidy and unemployment-insurance spending (monthly)"),
    unit=_("payments; 10,000 yuan"), columns=SPENDING_COLUMNS,
    checks=(Check(_("Total = sum of the items (every column)"), _spending_total_check),
            Check(_("Year to date = last month's year to date + this month (every row)"), _spending_running_total)),
)

FORMS: dict[str, StatForm] = {form.code: form for form in (EMPLOYMENT, UNEMPLOYMENT, GRADUATES, SPENDING)}
