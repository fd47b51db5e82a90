"""Pure rules of guaranteed start-up loans and their interest subsidy (DOMAIN.md §5). No database, no request:
the caller passes the facts and the policy parameters in force (ParameterValue by key) on the reference date:
the application date for eligibility, caps and the counter-guarantee; the contract date for the subsidy.

Interest subsidy (贴息), 财金〔2020〕21号: the borrower pays interest up to LPR − 150bp (`cddk.interest.lpr_offset_bp`),
the government the rest of the contract rate; both fixed on the contract date with the 1-year LPR published
on or before it (`cddk.lpr_1y`), so a later LPR change does not move them. It runs from disbursement until the
subsidy term ends (`cddk.subsidy.*.term_years` from the contract date) or the original maturity, whichever
comes first; no subsidy for days the loan is overdue or beyond its original maturity when extended, unless the
extension was granted under the 2020 epidemic policy (`cddk.covid.extension_subsidised`, services/loans._extend).

Day count, stated: ACT/360 on the daily outstanding principal (the People's Bank's 日利率 = 年利率 ÷ 360,
`cddk.interest.day_count_basis`). Interest accrues from the disbursement day (counted) to the repayment or end
day (not counted): a repayment on day d lowers the balance from day d on. Each loan's quarter is summed exactly
and rounded once, half up, to the fen.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INDIVIDUAL, PARTNERSHIP, ENTERPRISE = "individual", "partnership", "enterprise"
FEN = Decimal("0.01")
HUNDRED = Decimal(100)

# The eligible groups (十类重点群体, 财金〔2020〕21号); which are in force is the code list
# `cddk.eligible_groups`. These are only their names.
GROUP_LABELS = {
    "registered_unemployed": gettext_lazy("Registered urban unemployed"),
    "employment_difficulty": gettext_lazy("Person with employment difficulty (incl. disabled)"),
    "veteran": gettext_lazy("Demobilised or retired soldier"),
    "released_prisoner": gettext_lazy("Released prisoner"),
    "graduate": gettext_lazy("University graduate or student"),
    "overcapacity_worker": gettext_lazy("Worker of an overcapacity-reduction enterprise"),
    "returning_migrant": gettext_lazy("Migrant worker returning home to start a business"),
    "online_merchant": gettext_lazy("Online merchant"),
    "poverty": gettext_lazy("Registered poor or formerly poor household member"),
    "rural_entrepreneur": gettext_lazy("Rural self-employed entrepreneur"),
    "covid_self_employed": gettext_lazy("Self-employed who lost income to the epidemic (2020)"),
    "taxi_driver": gettext_lazy("Taxi or ride-hailing driver (2020)"),
}
ENTERPRISE_GROUP = "small_micro"

GROUPS_KEY = "cddk.eligible_groups"
EXEMPT_GROUPS_KEY = "cddk.counter_guarantee.exempt_groups"
WAIVER_KEY = "cddk.counter_guarantee_waiver_max_amount"
LPR_KEY = "cddk.lpr_1y"
OFFSET_KEY = "cddk.interest.lpr_offset_bp"
BASIS_KEY = "cddk.interest.day_count_basis"
NO_SUBSIDY_EXTENDED_KEY = "cddk.interest.no_subsidy_if_extended"
NO_SUBSIDY_OVERDUE_KEY = "cddk.interest.no_subsidy_if_overdue"
# 2020: a borrower hit by the epidemic may extend by up to this many years, and the subsidy continues.
COVID_EXTENSION_YEARS_KEY = "cddk.covid.extension_years_max"
COVID_EXTENSION_SUBSIDY_KEY = "cddk.covid.extension_subsidised"
SUBSIDY_TERM_KEYS = {INDIVIDUAL: "cddk.subsidy.individual.term_years",
                     PARTNERSHIP: "cddk.subsidy.individual.term_years",
                     ENTERPRISE: "cddk.subsidy.enterprise.term_years"}

PERSON_KEYS = ("cddk.individual.max_amount", "cddk.individual.term_years_max", "cddk.individual.max_loans",
               "cddk.individual.business_operating_months_min", "cddk.individual.online_merchant_operating_months_min",
               GROUPS_KEY, EXEMPT_GROUPS_KEY, WAIVER_KEY)
ENTERPRISE_KEYS = ("cddk.enterprise.max_amount", "cddk.enterprise.term_years_max", "cddk.enterprise.max_loans",
                   "cddk.enterprise.new_hire_ratio", "cddk.enterprise.new_hire_ratio_large",
                   "cddk.enterprise.large_staff_threshold")
SUBSIDY_KEYS = (OFFSET_KEY, BASIS_KEY, NO_SUBSIDY_EXTENDED_KEY, NO_SUBSIDY_OVERDUE_KEY)


def application_keys(loan_type: str) -> tuple[str, ...]:
    if loan_type == ENTERPRISE:
        return ENTERPRISE_KEYS
    if loan_type == PARTNERSHIP:
        return (*PERSON_KEYS, "cddk.partnership.extra_ratio")
    return PERSON_KEYS


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class LoanFacts:
    """What the application says, plus what the portal knows of the applicant's and guarantor's loans."""

    loan_type: str
    amount: Decimal
    term_months: int
    group_code: str
    applied_on: datetime.date
    business_started_on: datetime.date
    online_merchant: bool = False
    partners: int = 1
    current_staff: int | None = None
    new_hires: int | None = None
    earlier_loans: int = 0  # guaranteed loans taken before, here or elsewhere
    earlier_overdue: bool = False
    guarantor_busy: bool = False  # the guarantor guarantees another open guaranteed loan
    guarantor_defaulted: bool = False  # a loan the guarantor guaranteed went overdue
    recommended_by_incubator: bool = False
    honoured: bool = False
    credit_rated: bool = False


def _v(params: Mapping, key: str):
    return params[key].value


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to `end` (0 when end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


@dataclass(frozen=True)
class LoanCap:
    amount: Decimal
    explanation: str


def loan_cap(facts: LoanFacts, params: Mapping) -> LoanCap:
    if facts.loan_type == ENTERPRISE:
        cap = _v(params, "cddk.enterprise.max_amount")
        return LoanCap(cap, _("Small or micro enterprise cap: %(cap)s yuan.") % {"cap": _yuan(cap)})
    individual = _v(params, "cddk.individual.max_amount")
    if facts.loan_type == PARTNERSHIP:
        ratio = _v(params, "cddk.partnership.extra_ratio")
        cap = (individual * facts.partners * (1 + ratio)).quantize(FEN, ROUND_HALF_UP)
        return LoanCap(cap, _("Partnership cap: %(partners)d partners × %(individual)s yuan × (1 + %(ratio)s %%) = "
                              "%(cap)s yuan.") % {"partners": facts.partners, "individual": _yuan(individual),
                                                  "ratio": (ratio * HUNDRED).normalize(), "cap": _yuan(cap)})
    return LoanCap(individual, _("Individual cap: %(cap)s yuan.") % {"cap": _yuan(individual)})


def loan_findings(facts: LoanFacts, params: Mapping) -> list[Finding]:
    """Why the application cannot be granted as filed (empty: eligible), from the parameters in force on the
    application date."""
    findings: list[Finding] = []
    enterprise = facts.loan_type == ENTERPRISE
    prefix = "cddk.enterprise" if enterprise else "cddk.individual"
    if not enterprise and facts.group_code not in _v(params, GROUPS_KEY):
        findings.append(Finding("group", _("The applicant's group is not one of the groups eligible on %(date)s.")
                                % {"date": facts.applied_on}))
    if facts.amount <= 0:
        findings.append(Finding("amount", _("The amount must be more than zero.")))
    cap = loan_cap(facts, params)
    if facts.amount > cap.amount:
        findings.append(Finding("cap", _("%(amount)s yuan is above the cap. %(cap)s")
                                % {"amount": _yuan(facts.amount), "cap": cap.explanation}))
    years = _v(params, f"{prefix}.term_years_max")
    if facts.term_months > years * 12:
        findings.append(Finding("term", _("The term is at most %(years)d years (%(months)d months).")
                                % {"years": years, "months": years * 12}))
    if facts.term_months < 1:
        findings.append(Finding("term", _("The term must be at least one month.")))
    max_loans = _v(params, f"{prefix}.max_loans")
    if facts.earlier_loans + 1 > max_loans:
        findings.append(Finding("max_loans", _("At most %(n)d guaranteed loans; %(earlier)d taken already.")
                                % {"n": max_loans, "earlier": facts.earlier_loans}))
    if facts.earlier_overdue:
        findings.append(Finding("earlier_overdue", _("An earlier guaranteed loan was overdue.")))
    if facts.guarantor_busy:
        findings.append(Finding("guarantor_busy", _("The guarantor already guarantees another open guaranteed loan.")))
    if facts.guarantor_defaulted:
        findings.append(Finding("guarantor_defaulted", _("A loan the guarantor guaranteed went overdue.")))
    if facts.loan_type == PARTNERSHIP and facts.partners < 2:
        findings.append(Finding("partners", _("A partnership loan needs at least two partners.")))
    if enterprise:
        findings.extend(_new_hire_findings(facts, params))
    else:
        key = ("cddk.individual.online_merchant_operating_months_min" if facts.online_merchant
               else "cddk.individual.business_operating_months_min")
        needed = _v(params, key)
        operated = months_between(facts.business_started_on, facts.applied_on)
        if operated < needed:
            findings.append(Finding("operating", _("The business must have operated at least %(n)d months; it has "
                                                   "operated %(m)d.") % {"n": needed, "m": operated}))
    return findings


def _new_hire_findings(facts: LoanFacts, params: Mapping) -> list[Finding]:
    staff, hires = facts.current_staff, facts.new_hires
    if not staff or hires is None:
        return [Finding("new_hires", _("Give the current staff and the eligible people hired this year."))]
    threshold = _v(params, "cddk.enterprise.large_staff_threshold")
    key = "cddk.enterprise.new_hire_ratio_large" if staff > threshold else "cddk.enterprise.new_hire_ratio"
    ratio = _v(params, key)
    if Decimal(hires) < ratio * staff:
        return [Finding("new_hires", _("New eligible hires must be at least %(ratio)s %% of the staff (%(needed)s of "
                                       "%(staff)d); %(hires)d were hired.")
                        % {"ratio": (ratio * HUNDRED).normalize(), "needed": (ratio * staff).normalize(),
                           "staff": staff, "hires": hires})]
    return []


@dataclass(frozen=True)
class CounterGuarantee:
    required: bool
    explanation: str


def counter_guarantee(facts: LoanFacts, params: Mapping) -> CounterGuarantee:
    """Whether a counter-guarantee (反担保) is required, and why (DOMAIN.md §5.3). Waived for an individual loan
    up to `cddk.counter_guarantee_waiver_max_amount` (Guangyuan 150,000 yuan, national 100,000), for the
    groups the guarantee fund backs on credit alone, and for recommended, honoured or credit-rated applicants."""
    reasons = []
    if facts.loan_type == INDIVIDUAL:
        waiver = params[WAIVER_KEY]
        if facts.amount <= waiver.value:
            where = _("national rule") if waiver.region_code is None else _("local rule of %(region)s") % {
                "region": waiver.region_code}
            reasons.append(_("an individual loan of %(amount)s yuan is within %(max)s yuan (%(where)s)")
                           % {"amount": _yuan(facts.amount), "max": _yuan(waiver.value), "where": where})
    if facts.loan_type != ENTERPRISE and facts.group_code in _v(params, EXEMPT_GROUPS_KEY):
        reasons.append(_("the guarantee fund backs this group on credit alone"))
    if facts.recommended_by_incubator:
        reasons.append(_("recommended by an incubation base or a credit village"))
    if facts.honoured:
        reasons.append(_("holds a city-level or higher honour"))
    if facts.credit_rated:
        reasons.append(_("credit-rated"))
    if reasons:
        return CounterGuarantee(False, _("No counter-guarantee: %(reasons)s.") % {"reasons": "; ".join(reasons)})
    if facts.loan_type == INDIVIDUAL:
        waiver = params[WAIVER_KEY].value
        return CounterGuarantee(True, _("Counter-guarantee required: %(amount)s yuan is above %(max)s yuan and no "
                                        "other ground for waiving it applies.")
                                % {"amount": _yuan(facts.amount), "max": _yuan(waiver)})
    return CounterGuarantee(True, _("Counter-guarantee required: the amount waiver is for individual loans only and "
                                    "no other ground for waiving it applies."))


# --- the interest subsidy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanRates:
    """The split of the contract rate, fixed on the contract date (percent a year)."""

    annual_rate: Decimal
    lpr: Decimal
    borrower_rate: Decimal
    subsidy_rate: Decimal


def loan_rates(*, annual_rate: Decimal, lpr: Decimal, offset_bp: int) -> LoanRates:
    """The borrower pays up to LPR − offset (never below zero, never above the contract rate); the subsidy is
    the rest of the contract rate."""
    ceiling = max(lpr - Decimal(offset_bp) / HUNDRED, Decimal(0))
    borrower = min(annual_rate, ceiling)
    return LoanRates(annual_rate=annual_rate, lpr=lpr, borrower_rate=borrower, subsidy_rate=annual_rate - borrower)


def subsidy_end_date(*, contract_date: datetime.date, maturity: datetime.date, term_years: int) -> datetime.date:
    """The first day without subsidy: the subsidy term from the contract date, or the maturity if earlier."""
    return min(maturity, add_months(contract_date, term_years * 12))


def quarter_span(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next quarter)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1 to 4")
    start = datetime.date(year, 3 * quarter - 2, 1)
    return start, add_months(start, 3)


@dataclass(frozen=True)
class SubsidyContract:
    disbursed_on: datetime.date
    principal: Decimal
    subsidy_rate: Decimal  # percent a year
    subsidy_end: datetime.date  # exclusive
    day_count_basis: int  # 360
    subsidise_overdue: bool = False


@dataclass(frozen=True)
class SubsidySegment:
    start: datetime.date
    end: datetime.date  # exclusive
    balance: Decimal
    overdue: bool
    amount: Decimal  # unrounded

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class QuarterSubsidy:
    amount: Decimal  # rounded to the fen
    days: int  # subsidised days
    balance_at_end: Decimal  # outstanding principal on the quarter's last day
    segments: tuple[SubsidySegment, ...]

    def explanation(self, contract: SubsidyContract) -> str:
        if not self.segments:
            return _("No subsidised days in this quarter.")
        parts = []
        for seg in self.segments:
            if seg.overdue:
                parts.append(_("%(start)s–%(end)s overdue, %(days)d days: no subsidy")
                             % {"start": seg.start, "end": seg.end - datetime.timedelta(days=1), "days": seg.days})
            else:
                parts.append(_("%(start)s–%(end)s: %(balance)s × %(rate)s %% × %(days)d / %(basis)d")
                             % {"start": seg.start, "end": seg.end - datetime.timedelta(days=1),
                                "balance": _yuan(seg.balance), "rate": contract.subsidy_rate.normalize(),
                                "days": seg.days, "basis": contract.day_count_basis})
        return "; ".join(parts) + _(" = %(amount)s yuan.") % {"amount": _yuan(self.amount)}


def quarter_subsidy(contract: SubsidyContract, *, repayments: Sequence[tuple[datetime.date, Decimal]],
                    overdue: Sequence[tuple[datetime.date, datetime.date | None]], year: int,
                    quarter: int) -> QuarterSubsidy:
    """The government's share of interest on one loan for one quarter (see the module's day-count note)."""
    q_start, q_end = quarter_span(year, quarter)
    start = max(q_start, contract.disbursed_on)
    end = min(q_end, contract.subsidy_end)
    balance_at_end = contract.principal - sum((p for d, p in repayments if d < q_end), Decimal(0))
    if start >= end:
        return QuarterSubsidy(Decimal("0.00"), 0, balance_at_end, ())
    far = datetime.date.max
    spans = [(s, e or far) for s, e in overdue]
    cuts = {start, end}
    cuts.update(d for d, _p in repayments if start < d < end)
    for s, e in spans:
        cuts.update(d for d in (s, e) if start < d < end)
    points = sorted(cuts)
    segments = []
    total = Decimal(0)
    days = 0
    for seg_start, seg_end in zip(points, points[1:], strict=False):
        balance = contract.principal - sum((p for d, p in repayments if d <= seg_start), Decimal(0))
        is_overdue = any(s <= seg_start < e for s, e in spans) and not contract.subsidise_overdue
        amount = Decimal(0)
        if not is_overdue and balance > 0:
            amount = balance * contract.subsidy_rate / HUNDRED * (seg_end - seg_start).days / contract.day_count_basis
            days += (seg_end - seg_start).days
        total += amount
        segments.append(SubsidySegment(seg_start, seg_end, balance, is_overdue, amount))
    return QuarterSubsidy(total.quantize(FEN, ROUND_HALF_UP), days, balance_at_end, tuple(segments))


# --- the loan's lifecycle after the Center's approval ----------------------------------------------------------

BANK, GUARANTEE = "bank", "guarantee"  # who takes an action: the loan's bank, or the guarantee fund
PERMISSIONS = {BANK: "entrepreneurship.bank_loan", GUARANTEE: "entrepreneurship.guarantee_loan"}


@dataclass(frozen=True)
class LoanAction:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str  # "" : decided by the service (a repayment settles the loan when nothing is left)
    by: str
    reason_required: bool = False


LOAN_ACTIONS: dict[str, LoanAction] = {a.code: a for a in (
    LoanAction("bank_approve", gettext_lazy("Due diligence passed"), ("due_diligence",), "guarantee_review", BANK),
    LoanAction("bank_decline", gettext_lazy("Decline after due diligence"), ("due_diligence",), "declined", BANK,
               reason_required=True),
    LoanAction("guarantee_approve", gettext_lazy("Approve the guarantee"), ("guarantee_review",), "guaranteed",
               GUARANTEE),
    LoanAction("guarantee_decline", gettext_lazy("Decline the guarantee"), ("guarantee_review",), "declined",
               GUARANTEE, reason_required=True),
    LoanAction("disburse", gettext_lazy("Sign the contract and disburse"), ("guaranteed",), "repaying", BANK),
    LoanAction("repay", gettext_lazy("Record a repayment"), ("repaying", "overdue"), "", BANK),
    LoanAction("mark_overdue", gettext_lazy("Report overdue"), ("repaying",), "overdue", BANK),
    LoanAction("cure", gettext_lazy("Overdue cured"), ("overdue",), "repaying", BANK),
    LoanAction("extend", gettext_lazy("Extend the loan"), ("repaying",), "repaying", BANK, reason_required=True),
    LoanAction("payout", gettext_lazy("Guarantee payout (代偿)"), ("overdue",), "paid_out", GUARANTEE),
    LoanAction("recover", gettext_lazy("Record a recovery"), ("paid_out",), "", GUARANTEE),
    LoanAction("close_recovery", gettext_lazy("Close the recovery"), ("paid_out",), "recovered", GUARANTEE,
               reason_required=True),
)}


def loan_actions_open(*, status: str, roles: set[str]) -> list[LoanAction]:
    """The actions the holder of `roles` (BANK for the loan's own bank, GUARANTEE) may take from `status`."""
    return [a for a in LOAN_ACTIONS.values() if status in a.sources and a.by in roles]
