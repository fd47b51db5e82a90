"""Pure rules of the training programme: sign-up conditions, the acceptance score and its payment tranche,
which trainees count, and the training-subsidy amount. No database: services and kinds feed the facts and the
policy parameters in force in; every number comes from those parameters."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

MAX_WINS_KEY = "training.lottery.max_wins_per_institution"
MIN_PUBLIC_NUMBERS_KEY = "training.lottery.min_public_numbers"
ATTENDANCE_KEY = "training.attendance.min_share"
SCORE_MAXIMA_KEY = "training.acceptance.score_maxima"
TRANCHE_KEY = "training.acceptance.tranche_bands"

SCORE_INDICATORS = ("roster", "attendance", "hours", "pass_rate", "employment", "satisfaction")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ConditionCheck:
    """A sign-up against the package's entry conditions: what falls short (empty: eligible)."""

    shortfalls: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.shortfalls


def signup_conditions(*, teachers: int, premises_m2: int, min_teachers: int, min_premises_m2: int) -> ConditionCheck:
    shortfalls = []
    if teachers < min_teachers:
        shortfalls.append(_("%(have)d teachers, %(need)d required.") % {"have": teachers, "need": min_teachers})
    if premises_m2 < min_premises_m2:
        shortfalls.append(_("%(have)d m² of premises, %(need)d m² required.")
                          % {"have": premises_m2, "need": min_premises_m2})
    return ConditionCheck(shortfalls=tuple(shortfalls))


@dataclass(frozen=True)
class AcceptanceScore:
    total: Decimal
    tranche_share: Decimal


def acceptance_score(scores: dict[str, Decimal], *, maxima: dict, bands: list) -> AcceptanceScore:
    """Sum of the indicator scores (each within its maximum, the maxima adding up to 100); the share of the
    subsidy payable is that of the highest band whose minimum score the total reaches, nothing below all bands.
    Raises ValueError naming the indicator out of range."""
    total = Decimal(0)
    for name in SCORE_INDICATORS:
        value, ceiling = Decimal(scores[name]), Decimal(str(maxima[name]))
        if value < 0 or value > ceiling:
            raise ValueError(name)
        total += value
    share = Decimal(0)
    for minimum, band_share in sorted(((Decimal(str(m)), Decimal(str(s))) for m, s in bands), reverse=True):
        if total >= minimum:
            share = band_share
            break
    return AcceptanceScore(total=total.quantize(CENT), tranche_share=share)


@dataclass(frozen=True)
class TraineeFacts:
    key: int  # the roster row, so the claim can mark whom it counted
    name: str
    attended_hours: int
    completed: bool
    passed: bool
    certificate_no: str
    certificate_paid_as_skill_upgrade: bool


@dataclass(frozen=True)
class TraineeVerdict:
    key: int
    name: str
    counts: bool
    reason: str


def trainee_verdict(facts: TraineeFacts, *, package_hours: int, min_attendance_share: Decimal) -> TraineeVerdict:
    """A trainee counts when they completed the class, attended at least the required share of its hours,
    passed the assessment, and their certificate was not already paid as a skill-upgrade subsidy (DOMAIN.md §4,
    §11: no double payment for one certificate)."""
    if not facts.completed:
        return TraineeVerdict(facts.key, facts.name, False, _("did not complete the class"))
    if Decimal(facts.attended_hours) < (Decimal(package_hours) * min_attendance_share):
        return TraineeVerdict(facts.key, facts.name, False, _("attended %(have)d of %(need)s hours required")
                              % {"have": facts.attended_hours,
                                 "need": (Decimal(package_hours) * min_attendance_share).normalize()})
    if not facts.passed:
        return TraineeVerdict(facts.key, facts.name, False, _("did not pass the assessment"))
    if facts.certificate_paid_as_skill_upgrade:
        return TraineeVerdict(facts.key, facts.name, False,
                              _("certificate %(no)s already paid as a skill-upgrade subsidy")
                              % {"no": facts.certificate_no})
    return TraineeVerdict(facts.key, facts.name, True, "")


@dataclass(frozen=True)
class TrainingSubsidyQuote:
    qualified: int
    standard: Decimal
    share: Decimal
    amount: Decimal
    excluded: tuple[TraineeVerdict, ...]
    counted_keys: tuple[int, ...]

    def explanation(self) -> str:
        text = _("%(n)d qualified trainees × %(standard)s yuan × %(share)s%% (acceptance tranche) = "
                 "%(amount)s yuan.") % {
            "n": self.qualified, "standard": self.standard, "share": (self.share * 100).normalize(),
            "amount": self.amount}
        if self.excluded:
            text += " " + _("Not counted: %(list)s.") % {
                "list": "; ".join(f"{v.name}（{v.reason}）" for v in self.excluded)}
        return text


def training_subsidy(trainees: list[TraineeFacts], *, package_hours: int, standard: Decimal, share: Decimal,
                     min_attendance_share: Decimal) -> TrainingSubsidyQuote:
    verdicts = [trainee_verdict(t, package_hours=package_hours, min_attendance_share=min_attendance_share)
                for t in trainees]
    qualified = sum(1 for v in verdicts if v.counts)
    amount = (Decimal(qualified) * standard * share).quantize(CENT, rounding=ROUND_HALF_UP)
    return TrainingSubsidyQuote(qualified=qualified, standard=standard, share=share, amount=amount,
                                excluded=tuple(v for v in verdicts if not v.counts),
                                counted_keys=tuple(v.key for v in verdicts if v.counts))
