"""Pure rules of park certification: the standard read from its parameter, a score sheet checked and totalled,
the pass mark, the certificate's validity and when a re-evaluation falls due. No database, no request."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CRITERIA_KEY = "parks.criteria"
PASS_MARK_KEY = "parks.pass_mark"  # noqa: S105 - a parameter key, not a password
VALIDITY_KEY = "parks.certificate.validity_years"
DUE_WINDOW_KEY = "parks.reevaluation.due_within_days"
MIN_EVALUATORS_KEY = "parks.evaluation.min_evaluators"
REWARD_KEY = "parks.reward.demonstration_amount"
APPLICATION_KEYS = (CRITERIA_KEY, PASS_MARK_KEY, MIN_EVALUATORS_KEY)
CENT = Decimal("0.01")

# The kind whose certification earns the 以奖代补 reward (DOMAIN.md §5.3: 返乡创业示范园区, 10万 each).
REWARDED_KINDS = ("rural_return",)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_score: Decimal
    evidence: str  # what must be uploaded for it; empty: no evidence required

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "max_score": str(self.max_score), "evidence": self.evidence}


def criteria_for(value, kind: str) -> tuple[Criterion, ...]:
    """The criteria of one park kind from the `parks.criteria` parameter: {kind: [[code, label, max, evidence]]};
    a kind not named takes the "default" list."""
    rows = (value or {}).get(kind) or (value or {}).get("default") or []
    return tuple(Criterion(code=str(code), label=str(label), max_score=Decimal(str(max_score)), evidence=str(evidence))
                 for code, label, max_score, evidence in rows)


def criteria_from_snapshot(rows: list[dict]) -> tuple[Criterion, ...]:
    return tuple(Criterion(code=r["code"], label=r["label"], max_score=Decimal(r["max_score"]),
                           evidence=r.get("evidence", "")) for r in rows)


@dataclass(frozen=True)
class ScoreSheet:
    scores: dict[str, Decimal]
    total: Decimal


def score_sheet(criteria: tuple[Criterion, ...], raw: dict) -> tuple[ScoreSheet | None, dict[str, list[str]]]:
    """Check one evaluator's scores: every criterion scored, from 0 to its maximum, at most 2 decimals.
    Returns the sheet with its total (the sum, computed here), or the errors by criterion code."""
    errors: dict[str, list[str]] = {}
    scores: dict[str, Decimal] = {}
    for criterion in criteria:
        text = str(raw.get(criterion.code, "")).strip()
        try:
            score = Decimal(text)
            if not score.is_finite() or score != score.quantize(CENT):
                raise InvalidOperation
        except InvalidOperation:
            errors[criterion.code] = [_("Enter a score, with at most 2 decimals.")]
            continue
        if score < 0 or score > criterion.max_score:
            errors[criterion.code] = [_("The score is from 0 to %(max)s.") % {"max": criterion.max_score}]
            continue
        scores[criterion.code] = score
    unknown = set(raw) - {c.code for c in criteria}
    if unknown:
        errors["__all__"] = [_("Not criteria of this standard: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}]
    if errors:
        return None, errors
    return ScoreSheet(scores=scores, total=sum(scores.values(), Decimal("0.00"))), {}


def application_total(evaluation_totals: list[Decimal]) -> Decimal | None:
    """The application's score: the mean of its evaluators' totals, to the cent (half up)."""
    if not evaluation_totals:
        return None
    return (sum(evaluation_totals, Decimal(0)) / len(evaluation_totals)).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(total: Decimal | None, pass_mark: Decimal) -> bool:
    """A total equal to the pass mark passes."""
    return total is not None and total >= pass_mark


def certificate_valid_to(valid_from: datetime.date, years: int) -> datetime.date:
    """The day before the N-th anniversary: 3 years from 2026-03-01 run to 2029-02-28 inclusive; from a 29
    February the anniversary in a common year is 1 March, so 2028-02-29 runs to 2031-02-28."""
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February into a common year
        anniversary = datetime.date(valid_from.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def reevaluation_due(valid_to: datetime.date | None, *, today: datetime.date, window_days: int) -> bool:
    """Due when the certificate ends within the window (its last day counted), or has already ended."""
    return valid_to is not None and (valid_to - today).days <= window_days


def due_horizon(today: datetime.date, window_days: int) -> datetime.date:
    """The latest certificate end date that is due today: reevaluation_due(d) <=> d <= due_horizon."""
    return today + datetime.timedelta(days=window_days)
