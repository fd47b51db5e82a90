"""Pure rules of the subsidy kinds: eligibility findings and amounts, from a claim's facts and the policy
parameters in force on the kind's reference date (DOMAIN.md §2–6, §11). No database and no request: the
adapters in kinds.py read the facts and the parameters and pass them in, so every rule can be tested at its
boundaries on its own, and the page, the API and the caseworker's review always apply the same rule.

A finding is either advisory (the caseworker sees it and decides: not accepted, refused) or blocking: a
double benefit, which the service refuses outright when the claim is submitted.
"""

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from guangyuan_jobs.casework.kinds import AmountQuote
from guangyuan_jobs.core.identifiers import age_on
from guangyuan_jobs.policy.selectors import ParameterValue

CENT = Decimal("0.01")
Params = Mapping[str, ParameterValue]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    blocking: bool = False  # a double benefit: the claim cannot be submitted at all


@dataclass(frozen=True)
class Assessment:
    """What the rules say about one claim: findings, and the amount when the parameters allow one."""

    findings: tuple[Finding, ...]
    quote: AmountQuote | None
    # Why there is no quote, when there is none (shown to the reviewer, who cannot confirm an amount then).
    no_quote_reason: Finding | None = None

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(ratio: Decimal) -> str:
    """0.055 -> "5.5%", 0.20 -> "20%"."""
    return f"{(ratio * 100).quantize(CENT).normalize():f}%"


def months_add(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the target month lacks becomes its last day (Civil Code art. 202:
    a period in months ends on the corresponding day, or on the month's last day when there is none)."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month_index + 1)[1]
    return datetime.date(year, month_index + 1, min(day.day, last))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between_inclusive(first: datetime.date, last: datetime.date) -> int:
    """Calendar months from `first`'s month to `last`'s month, both counted (0 when last is earlier)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def instalments_split(total: Decimal, months: int) -> list[Decimal]:
    """`total` in `months` equal monthly parts; the last takes the rounding remainder so the parts add up."""
    if months <= 0:
        return []
    part = (total / months).quantize(CENT, rounding=ROUND_DOWN)
    return [part] * (months - 1) + [total - part * (months - 1)]


def _snapshots(*values: ParameterValue) -> tuple[dict, ...]:
    return tuple(v.as_snapshot() for v in values)


# --- 稳岗返还 stable-post refund (DOMAIN.md §2) -------------------------------------------------------------

WGFH_SIZE_KEYS = {"large": "wgfh.ratio.large", "sme": "wgfh.ratio.sme"}
WGFH_KEYS = ("wgfh.layoff_rate.control_target", "wgfh.layoff_rate.small_firm_max",
             "wgfh.layoff_rate.small_firm_max_staff", "wgfh.contribution_months_min")


@dataclass(frozen=True)
class RefundFacts:
    premium_year: int
    size_class: str  # "large" or "sme"
    average_insured_staff: int
    new_ui_claimants: int
    prior_year_premiums: Decimal
    contribution_months: int
    dishonest: bool


def wgfh_reference_date(premium_year: int) -> datetime.date:
    """Refunds follow the rules of the premium year (the prior calendar year), read on its last day."""
    return datetime.date(premium_year, 12, 31)


def wgfh_layoff_limit(facts: RefundFacts, params: Params) -> tuple[Decimal, ParameterValue]:
    """Firms with few insured staff (≤ the threshold, 30) may lay off up to 20 %; the others up to the year's
    unemployment control target (5.5 % in 2019–2025)."""
    threshold = params["wgfh.layoff_rate.small_firm_max_staff"]
    limit = params["wgfh.layoff_rate.small_firm_max" if facts.average_insured_staff <= threshold.value
                   else "wgfh.layoff_rate.control_target"]
    return Decimal(limit.value), limit


def wgfh_eligibility(facts: RefundFacts, params: Params) -> list[Finding]:
    findings = []
    minimum = params["wgfh.contribution_months_min"].value
    if facts.contribution_months < minimum:
        findings.append(Finding("contribution_months", _(
            "Full unemployment-insurance contributions for %(months)d months; at least %(min)d are required.")
            % {"months": facts.contribution_months, "min": minimum}))
    if facts.average_insured_staff <= 0:
        findings.append(Finding("no_insured_staff", _(
            "No insured staff on average in %(year)d: the layoff rate cannot be worked out.")
            % {"year": facts.premium_year}))
    else:
        limit, _parameter = wgfh_layoff_limit(facts, params)
        # Compared without dividing: claimants ≤ limit × staff is exact in decimals.
        if facts.new_ui_claimants > limit * facts.average_insured_staff:
            rate = Decimal(facts.new_ui_claimants) / Decimal(facts.average_insured_staff)
            findings.append(Finding("layoff_rate", _(
                "Layoff rate %(rate)s (%(claimants)d new UI claimants ÷ %(staff)d insured staff on average) is above "
                "the limit of %(limit)s.") % {"rate": percent(rate), "claimants": facts.new_ui_claimants,
                                                "staff": facts.average_insured_staff, "limit": percent(limit)}))
    if facts.dishonest:
        findings.append(Finding("dishonest", _("The enterprise is on the list of seriously dishonest entities.")))
    if facts.prior_year_premiums <= 0:
        findings.append(Finding("no_premiums", _("No unemployment-insurance premiums were paid in %(year)d.")
                                % {"year": facts.premium_year}))
    return findings


def wgfh_amount(facts: RefundFacts, params: Params) -> AmountQuote:
    ratio = params[WGFH_SIZE_KEYS[facts.size_class]]
    amount = money(Decimal(ratio.value) * facts.prior_year_premiums)
    size = _("large enterprise") if facts.size_class == "large" else _("small, medium or micro enterprise")
    explanation = _(
        "%(year)d unemployment-insurance premiums %(premiums)s yuan × refund ratio %(ratio)s (%(size)s) "
        "= %(amount)s yuan.") % {"year": facts.premium_year, "premiums": facts.prior_year_premiums,
                                 "ratio": percent(Decimal(ratio.value)), "size": size, "amount": amount}
    limit, limit_parameter = wgfh_layoff_limit(facts, params) if facts.average_insured_staff > 0 else (None, None)
    used = [ratio, params["wgfh.contribution_months_min"]] + ([limit_parameter] if limit_parameter else [])
    return AmountQuote(amount=amount, explanation=explanation, parameters=_snapshots(*used))


# --- 失业补助金 unemployment subsidy (DOMAIN.md §3.1) ----------------------------------------------------------

SYBZJ_WINDOW_KEYS = ("sybzj.window.start", "sybzj.window.end")
SYBZJ_KEYS = ("sybzj.window.payment_end", "sybzj.rate_of_ui_benefit_max", "sybzj.ui_benefit_standard_monthly",
              "sybzj.max_months")
BENEFIT_EXPIRED = "benefit_expired"


@dataclass(frozen=True)
class BenefitSpan:
    """A live benefit period of the person, from the benefit-period register."""

    label: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class UnemploymentFacts:
    category: str  # BENEFIT_EXPIRED, or insured but not eligible for UI benefit
    unemployed_since: datetime.date
    insured_months: int
    # The person's other live benefit periods that overlap this claim's period.
    overlapping: tuple[BenefitSpan, ...] = ()


@dataclass(frozen=True)
class UnemploymentSchedule:
    monthly: Decimal
    months: int
    start: datetime.date  # the first day without work or benefit
    end: datetime.date  # the day before the same day `months` later

    @property
    def total(self) -> Decimal:
        return self.monthly * self.months


def sybzj_schedule(facts: UnemploymentFacts, params: Params) -> UnemploymentSchedule | None:
    """Paid monthly from the month unemployment began, for at most `sybzj.max_months` months and no month
    after the last payable day; None when no month is left to pay."""
    payable_until = params["sybzj.window.payment_end"].value
    months = min(params["sybzj.max_months"].value, months_between_inclusive(facts.unemployed_since, payable_until))
    if months <= 0:
        return None
    monthly = money(Decimal(params["sybzj.rate_of_ui_benefit_max"].value)
                    * Decimal(params["sybzj.ui_benefit_standard_monthly"].value))
    end = months_add(facts.unemployed_since, months) - datetime.timedelta(days=1)
    return UnemploymentSchedule(monthly=monthly, months=months, start=facts.unemployed_since, end=end)


def sybzj_eligibility(facts: UnemploymentFacts, params: Params) -> list[Finding]:
    findings = []
    start, end = params["sybzj.window.start"].value, params["sybzj.window.end"].value
    if not start <= facts.unemployed_since <= end:
        findings.append(Finding("outside_window", _(
            "Unemployed since %(date)s: only unemployment that began between %(start)s and %(end)s qualifies.")
            % {"date": facts.unemployed_since, "start": start, "end": end}))
    if facts.category != BENEFIT_EXPIRED and facts.insured_months <= 0:
        findings.append(Finding("not_insured", _(
            "Only insured people whose unemployment-insurance benefit has expired, or who do not qualify for it, "
            "may claim: no insured months are recorded.")))
    if sybzj_schedule(facts, params) is None:
        findings.append(Finding("nothing_payable", _("No month is left to pay: payments end on %(date)s.")
                                % {"date": params["sybzj.window.payment_end"].value}))
    for span in facts.overlapping:
        # 失业补助金 ⟂ 失业保险金 ⟂ 临时生活补助: one of them at a time (DOMAIN.md §3.2).
        findings.append(Finding("benefit_overlap", _(
            "The period overlaps %(benefit)s from %(start)s to %(end)s: only one of these benefits at a time.")
            % {"benefit": span.label, "start": span.start, "end": span.end}, blocking=True))
    return findings


def sybzj_amount(facts: UnemploymentFacts, params: Params) -> AmountQuote | None:
    schedule = sybzj_schedule(facts, params)
    if schedule is None:
        return None
    rate = params["sybzj.rate_of_ui_benefit_max"]
    standard = params["sybzj.ui_benefit_standard_monthly"]
    explanation = _(
        "Local unemployment-insurance benefit standard %(standard)s yuan a month × %(rate)s (the national cap; "
        "no Sichuan or Guangyuan tier is on record) = %(monthly)s yuan a month, × %(months)d months "
        "(%(start)s to %(end)s, at most %(max)d) = %(amount)s yuan.") % {
        "standard": standard.value, "rate": percent(Decimal(rate.value)), "monthly": schedule.monthly,
        "months": schedule.months, "start": schedule.start, "end": schedule.end,
        "max": params["sybzj.max_months"].value, "amount": schedule.total}
    return AmountQuote(amount=schedule.total, explanation=explanation, parameters=_snapshots(
        standard, rate, params["sybzj.max_months"], params["sybzj.window.payment_end"]))


# --- 技能提升补贴 skill-upgrade subsidy (DOMAIN.md §4) ---------------------------------------------------------

JNTS_LEVEL_KEYS = {5: "jnts.amount.junior", 4: "jnts.amount.intermediate", 3: "jnts.amount.senior"}
JNTS_KEYS = ("jnts.amount.mode", "jnts.contribution_months_min", "jnts.application_window_months",
             "jnts.max_per_year", "jnts.occupation_level_limit_scope", "jnts.certificate_issued_on_or_after")
AMOUNT_FIXED = "fixed"
SCOPE_PER_YEAR = "per_year"


@dataclass(frozen=True)
class SkillClaim:
    """Another live, submitted skill-upgrade claim of the same person."""

    ref: str
    occupation_code: str
    level: int  # 5 junior, 4 intermediate, 3 senior: a smaller number is a higher level
    year: int  # the calendar year it was filed in


@dataclass(frozen=True)
class SkillFacts:
    occupation_code: str
    level: int
    issued_on: datetime.date
    ui_contribution_months: int
    applied_on: datetime.date
    others: tuple[SkillClaim, ...] = ()
    certificate_no: str = ""
    # A training-subsidy claim approved or paid already counted this certificate (职业培训补贴).
    paid_by_training: bool = False


def jnts_deadline(issued_on: datetime.date, window_months: int) -> datetime.date:
    """The last day to apply: `window_months` after the date printed on the certificate (Civil Code
    art. 201–202: counted from the next day, ending on the corresponding day)."""
    return months_add(issued_on, window_months)


def jnts_eligibility(facts: SkillFacts, params: Params) -> list[Finding]:
    findings = []
    if facts.paid_by_training:
        # Not with 职业培训补贴 for the same certificate (DOMAIN.md §4, §11).
        findings.append(Finding("certificate_paid_by_training", _(
            "Certificate %(number)s was already paid for by a vocational-training subsidy: one certificate is "
            "subsidised once, so it cannot also earn a skill-upgrade subsidy.")
            % {"number": facts.certificate_no}, blocking=True))
    earliest = params["jnts.certificate_issued_on_or_after"].value
    if facts.issued_on < earliest:
        findings.append(Finding("certificate_too_old", _("Only certificates issued on or after %(date)s qualify.")
                                % {"date": earliest}))
    if facts.issued_on > facts.applied_on:
        findings.append(Finding("certificate_future", _("The certificate's issue date is after the claim's date.")))
    deadline = jnts_deadline(facts.issued_on, params["jnts.application_window_months"].value)
    if facts.applied_on > deadline:
        findings.append(Finding("late", _(
            "The certificate was issued on %(issued)s: claims were accepted until %(deadline)s.")
            % {"issued": facts.issued_on, "deadline": deadline}))
    minimum = params["jnts.contribution_months_min"].value
    if facts.ui_contribution_months < minimum:
        findings.append(Finding("contribution_months", _(
            "Unemployment-insurance contributions for %(months)d months; at least %(min)d are required for a "
            "certificate issued on %(issued)s.") % {"months": facts.ui_contribution_months, "min": minimum,
                                                     "issued": facts.issued_on}))
    year = facts.applied_on.year
    per_year = params["jnts.occupation_level_limit_scope"].value == SCOPE_PER_YEAR
    for other in facts.others:
        if other.occupation_code != facts.occupation_code:
            continue
        if other.level == facts.level and (not per_year or other.year == year):
            findings.append(Finding("occupation_level_taken", _(
                "This occupation at this level was already subsidised (%(ref)s).") % {"ref": other.ref},
                blocking=True))
        elif other.level < facts.level:
            findings.append(Finding("higher_level_taken", _(
                "A higher level of this occupation was already subsidised (%(ref)s): a lower level cannot follow.")
                % {"ref": other.ref}, blocking=True))
    limit = params["jnts.max_per_year"].value
    this_year = [o.ref for o in facts.others if o.year == year]
    if len(this_year) >= limit:
        findings.append(Finding("yearly_limit", _(
            "At most %(limit)d skill-upgrade subsidies a year: %(year)d already has %(refs)s.")
            % {"limit": limit, "year": year, "refs": "、".join(this_year)}, blocking=True))
    return findings


def jnts_amount(facts: SkillFacts, params: Params) -> AmountQuote:
    standard = params[JNTS_LEVEL_KEYS[facts.level]]
    mode = params["jnts.amount.mode"]
    amount = money(Decimal(standard.value))
    if mode.value == AMOUNT_FIXED:
        explanation = _("Fixed standard for this certificate level: %(amount)s yuan.") % {"amount": amount}
    else:
        explanation = _("The standard for this certificate level is at most %(amount)s yuan; the full standard "
                        "is paid.") % {"amount": amount}
    return AmountQuote(amount=amount, explanation=explanation, parameters=_snapshots(
        standard, mode, params["jnts.contribution_months_min"], params["jnts.application_window_months"]))


# --- 一次性吸纳就业补贴 hiring subsidy (DOMAIN.md §6.2) -------------------------------------------------------

XNJY_KEYS = ("xnjy.amount_per_hire", "xnjy.contract_months_min")


@dataclass(frozen=True)
class HiringFacts:
    hired_on: datetime.date
    contract_months: int
    applied_on: datetime.date
    # Live job-expansion subsidy claims (一次性扩岗补助) for the same person: the two are not combined.
    combined_with: tuple[str, ...] = ()


def xnjy_combined_finding(refs: Sequence[str]) -> Finding | None:
    """The hiring subsidy refused because the person hired is already claimed for with the job-expansion
    subsidy (DOMAIN.md §6.2: the two are not combined)."""
    if not refs:
        return None
    return Finding("combined_with_kgbz", _(
        "This person is already claimed for with the one-off job-expansion subsidy (claim %(ref)s): the hiring "
        "subsidy cannot be combined with it for the same person.") % {"ref": refs[0]}, blocking=True)


def xnjy_eligibility(facts: HiringFacts, params: Params) -> list[Finding]:
    findings = []
    combined = xnjy_combined_finding(facts.combined_with)
    if combined is not None:
        findings.append(combined)
    if facts.hired_on > facts.applied_on:
        findings.append(Finding("hired_future", _("The hiring date is after the claim's date.")))
    minimum = params["xnjy.contract_months_min"].value
    if facts.contract_months < minimum:
        findings.append(Finding("contract_months", _(
            "A labour contract of %(months)d months; at least %(min)d are required.")
            % {"months": facts.contract_months, "min": minimum}))
    return findings


def xnjy_amount(facts: HiringFacts, params: Params) -> AmountQuote:
    standard = params["xnjy.amount_per_hire"]
    amount = money(Decimal(standard.value))
    return AmountQuote(amount=amount, explanation=_("One-off standard per person hired: %(amount)s yuan.")
                       % {"amount": amount}, parameters=_snapshots(standard, params["xnjy.contract_months_min"]))


# --- 一次性扩岗补助 job-expansion subsidy (DOMAIN.md §6.2) ---------------------------------------------------
# Its window is the amount's: a hire on a day no amount is in force is outside the programme. Every finding is
# blocking: a claim that does not meet the conditions is refused when it is submitted.

KGBZ_AMOUNT_KEY = "kgbz.amount_per_hire"
KGBZ_KEYS = ("kgbz.insured_months_min", "kgbz.youth_age_min", "kgbz.youth_age_max",
             "kgbz.graduate.years_since_leaving_max")
KGBZ_GRADUATE, KGBZ_UNEMPLOYED_YOUTH = "graduate", "unemployed_youth"


@dataclass(frozen=True)
class JobExpansionFacts:
    hired_on: datetime.date
    category: str  # KGBZ_GRADUATE or KGBZ_UNEMPLOYED_YOUTH
    insured_months: int  # months the employer paid unemployment, work-injury and pension insurance for them
    birth_date: datetime.date  # from the hired person's ID number
    applied_on: datetime.date
    left_school_on: datetime.date | None = None  # a graduate's
    # Live hiring-subsidy claims (一次性吸纳就业补贴) for the same person: the two are not combined.
    combined_with: tuple[str, ...] = ()


def kgbz_outside_window(hired_on: datetime.date) -> Finding:
    return Finding("hire_outside_window", _(
        "No job-expansion subsidy programme covers a hire on %(date)s: the hiring date must fall within the "
        "policy's period.") % {"date": hired_on}, blocking=True)


def kgbz_combined_finding(refs: Sequence[str]) -> Finding | None:
    if not refs:
        return None
    return Finding("combined_with_xnjy", _(
        "This person is already claimed for with the one-off hiring subsidy (claim %(ref)s): the job-expansion "
        "subsidy cannot be combined with it for the same person.") % {"ref": refs[0]}, blocking=True)


def _kgbz_person_finding(facts: JobExpansionFacts, params: Params) -> Finding | None:
    if facts.category == KGBZ_UNEMPLOYED_YOUTH:
        youngest, oldest = params["kgbz.youth_age_min"].value, params["kgbz.youth_age_max"].value
        age = age_on(facts.birth_date, facts.hired_on)
        if not youngest <= age <= oldest:
            return Finding("youth_age", _(
                "The person hired was %(age)d on the hiring date: a registered unemployed young person must be "
                "%(min)d to %(max)d.") % {"age": age, "min": youngest, "max": oldest}, blocking=True)
        return None
    years = params["kgbz.graduate.years_since_leaving_max"].value
    left = facts.left_school_on
    if left is None:
        return Finding("left_school_missing", _("Give the date the graduate left school."), blocking=True)
    if facts.hired_on.year == left.year or left <= facts.hired_on <= months_add(left, 12 * years):
        return None
    return Finding("graduate_status", _(
        "The graduate left school on %(left)s: only a graduate hired in the graduation year, or within %(years)d "
        "years of leaving school, qualifies.") % {"left": left, "years": years}, blocking=True)


def kgbz_eligibility(facts: JobExpansionFacts, params: Params) -> list[Finding]:
    findings = []
    combined = kgbz_combined_finding(facts.combined_with)
    if combined is not None:
        findings.append(combined)
    if facts.hired_on > facts.applied_on:
        findings.append(Finding("hired_future", _("The hiring date is after the claim's date."), blocking=True))
    person = _kgbz_person_finding(facts, params)
    if person is not None:
        findings.append(person)
    minimum = params["kgbz.insured_months_min"].value
    if facts.insured_months < minimum:
        findings.append(Finding("insured_months", _(
            "The employer paid unemployment, work-injury and pension insurance for %(months)d months for the "
            "person hired; at least %(min)d are required.") % {"months": facts.insured_months, "min": minimum},
            blocking=True))
    return findings


def kgbz_amount(facts: JobExpansionFacts, params: Params) -> AmountQuote:
    standard = params[KGBZ_AMOUNT_KEY]
    amount = money(Decimal(standard.value))
    return AmountQuote(amount=amount, explanation=_("One-off job-expansion subsidy per young person hired: "
                                                    "%(amount)s yuan.") % {"amount": amount},
                       parameters=_snapshots(standard, params["kgbz.insured_months_min"]))


# --- 社会保险补贴 social-insurance subsidy (DOMAIN.md §6.1) ---------------------------------------------------

SBBT_KEYS = ("sbbt.max_months", "sbbt.graduate.max_months", "sbbt.near_retirement_years")
SBBT_RETIREMENT_AGE_KEYS = {"M": "sbbt.retirement_age.male", "F": "sbbt.retirement_age.female"}
GRADUATE_FLEXIBLE = "graduate_flexible"


@dataclass(frozen=True)
class InsuranceFacts:
    category: str
    months: int  # months claimed
    monthly_contribution: Decimal  # the contribution subsidised each month, as verified
    # Months granted to the person's earlier live claims, in order, with their category.
    earlier: tuple[tuple[str, int], ...] = ()
    # For the run to retirement (DOMAIN.md §6.1): the person's birth date and sex, and the day of the first
    # approval of their social-insurance subsidy (this claim's date when none was approved yet).
    birth_date: datetime.date | None = None
    sex: str = ""
    first_approved_on: datetime.date | None = None


@dataclass(frozen=True)
class InsuranceCap:
    """The months of social-insurance subsidy the person may have over all types."""

    months: int
    to_retirement: bool = False  # runs to retirement instead of the normal cap
    retires_on: datetime.date | None = None


def full_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` up to `end` (0 when end is not later): the n with start + n months <= end."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and months_add(start, months) > end:
        months -= 1
    return months


def sbbt_retirement_date(birth_date: datetime.date, age_years: int) -> datetime.date:
    """The day the person reaches the statutory retirement age (29 February: the 28th in a common year)."""
    return months_add(birth_date, age_years * 12)


def sbbt_cap(facts: InsuranceFacts, params: Params) -> InsuranceCap:
    """At most `sbbt.max_months` over all types; a person fewer than `sbbt.near_retirement_years` years from
    the statutory retirement age (by sex) on the day of the first approval has it to retirement instead: the
    whole months from that day to the retirement date (DOMAIN.md §6.1). Exactly that many years before is not
    "fewer". Graduates in flexible work keep their own cap."""
    normal = InsuranceCap(months=params["sbbt.max_months"].value)
    age_key = SBBT_RETIREMENT_AGE_KEYS.get(facts.sex)
    if (facts.category == GRADUATE_FLEXIBLE or facts.birth_date is None or facts.first_approved_on is None
            or age_key is None or age_key not in params):
        return normal
    retires_on = sbbt_retirement_date(facts.birth_date, params[age_key].value)
    threshold_day = months_add(retires_on, -12 * params["sbbt.near_retirement_years"].value)
    if facts.first_approved_on <= threshold_day:
        return normal
    return InsuranceCap(months=full_months_between(facts.first_approved_on, retires_on), to_retirement=True,
                        retires_on=retires_on)


def sbbt_months_granted(*, category: str, requested: int, earlier: Sequence[tuple[str, int]], max_months: int,
                        graduate_max_months: int) -> int:
    """Months cumulate across every type of the subsidy up to `max_months`; a graduate in flexible work has
    at most `graduate_max_months` of those as a graduate."""
    left = max_months - sum(months for _category, months in earlier)
    if category == GRADUATE_FLEXIBLE:
        left = min(left, graduate_max_months - sum(m for c, m in earlier if c == GRADUATE_FLEXIBLE))
    return max(0, min(requested, left))


def _sbbt_granted(facts: InsuranceFacts, params: Params) -> int:
    return sbbt_months_granted(category=facts.category, requested=facts.months, earlier=facts.earlier,
                               max_months=sbbt_cap(facts, params).months,
                               graduate_max_months=params["sbbt.graduate.max_months"].value)


def sbbt_eligibility(facts: InsuranceFacts, params: Params) -> list[Finding]:
    granted = _sbbt_granted(facts, params)
    used = sum(months for _category, months in facts.earlier)
    cap = sbbt_cap(facts, params)
    if cap.to_retirement and cap.months == 0:
        return [Finding("retired", _(
            "The person reached the statutory retirement age on %(date)s: no month of social-insurance subsidy "
            "is left.") % {"date": cap.retires_on}, blocking=True)]
    if granted == 0:
        return [Finding("months_used", _(
            "Every month of social-insurance subsidy this person may have is used (%(used)d months so far).")
            % {"used": used}, blocking=True)]
    if granted < facts.months:
        return [Finding("months_capped", _(
            "Only %(granted)d of the %(months)d months claimed remain (%(used)d months used so far).")
            % {"granted": granted, "months": facts.months, "used": used})]
    return []


def sbbt_amount(facts: InsuranceFacts, params: Params) -> AmountQuote | None:
    granted = _sbbt_granted(facts, params)
    if granted == 0:
        return None
    amount = money(facts.monthly_contribution * granted)
    cap = sbbt_cap(facts, params)
    explanation = _(
        "%(months)d months × %(monthly)s yuan of verified monthly contributions = %(amount)s yuan (no Sichuan "
        "rate is on record, so the contributions actually due are subsidised; at most %(max)d months over all "
        "types).") % {"months": granted, "monthly": facts.monthly_contribution, "amount": amount,
                      "max": params["sbbt.max_months"].value}
    used = [params["sbbt.max_months"], params["sbbt.graduate.max_months"]]
    if cap.to_retirement:
        explanation += " " + _(
            "At the first approval on %(approved)s the person was fewer than %(years)d years from the statutory "
            "retirement age (%(age)d, reached on %(retires)s), so the subsidy runs to retirement: at most "
            "%(cap)d months over all types instead of %(max)d.") % {
            "approved": facts.first_approved_on, "years": params["sbbt.near_retirement_years"].value,
            "age": params[SBBT_RETIREMENT_AGE_KEYS[facts.sex]].value, "retires": cap.retires_on,
            "cap": cap.months, "max": params["sbbt.max_months"].value}
        used += [params["sbbt.near_retirement_years"], params[SBBT_RETIREMENT_AGE_KEYS[facts.sex]]]
    return AmountQuote(amount=amount, explanation=explanation, parameters=_snapshots(*used))


# --- 一次性创业补贴 start-up subsidy (DOMAIN.md §6.3) ---------------------------------------------------------

# No Sichuan or Guangyuan amount was found (DOMAIN.md §12.5): an administrator may enter this key; until then
# the reviewer sets the amount of each claim, with a reason.
CYBT_AMOUNT_KEY = "cybt.amount"


@dataclass(frozen=True)
class StartupFacts:
    registered_on: datetime.date
    applied_on: datetime.date
    reviewer_amount: Decimal | None = None
    reviewer_reason: str = ""


def cybt_eligibility(facts: StartupFacts) -> list[Finding]:
    if facts.registered_on > facts.applied_on:
        return [Finding("registered_future", _("The business's registration date is after the claim's date."))]
    return []


def cybt_amount(facts: StartupFacts, standard: ParameterValue | None) -> AmountQuote | None:
    if standard is not None:
        amount = money(Decimal(standard.value))
        return AmountQuote(amount=amount, explanation=_("One-off start-up standard: %(amount)s yuan.")
                           % {"amount": amount}, parameters=_snapshots(standard))
    if facts.reviewer_amount is not None:
        return AmountQuote(amount=money(facts.reviewer_amount), explanation=_(
            "No Sichuan or Guangyuan start-up subsidy standard is in the policy register, so the reviewer set "
            "the amount: %(amount)s yuan. Reason: %(reason)s") % {"amount": money(facts.reviewer_amount),
                                                                   "reason": facts.reviewer_reason})
    return None


def cybt_no_amount_finding() -> Finding:
    return Finding("amount_not_set", _(
        "No Sichuan or Guangyuan start-up subsidy standard is in the policy register: the reviewer sets the "
        "amount of this claim, with a reason, before reviewing it."))
