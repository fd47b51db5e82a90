"""The subsidy kinds, registered with casework: label, applicant, materials, time limit, fund source, and the
adapters between a case and the pure rules of rules.py. An adapter reads the claim's details, the person's
other claims and benefit periods, and the policy parameters in force on the kind's reference date for the
case's district, then lets the rule decide. Nothing here writes: the effects of a move are in
services/claims.py (`on_transition`)."""

import datetime
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.casework.kinds import AmountQuote, CaseKind, Material
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.policy.selectors import ParameterValue, PolicyParameterMissing, policy_parameter
from subsidies import rules
from subsidies.models import (
    BenefitPeriod,
    HiringSubsidyDetail,
    JobExpansionSubsidyDetail,
    SkillUpgradeDetail,
    SocialInsuranceSubsidyDetail,
    StablePostRefundDetail,
    StartupSubsidyDetail,
    UnemploymentSubsidyDetail,
)
from subsidies.rules import Assessment, Finding

UI_FUND = gettext_lazy("Unemployment insurance fund (失业保险基金)")
EMPLOYMENT_FUND = gettext_lazy("Employment subsidy fund (就业补助资金)")

ID_CARD = Material("id_card", gettext_lazy("Resident ID card"))
BANK_CARD = Material("bank_card", gettext_lazy("Social security card or bank card"))
PLEDGE = Material("pledge", gettext_lazy("Signed pledge (承诺书)"))

CASE_PANEL_TEMPLATE = "subsidies/claims/_case_panel.html"
APPROVED_STATUSES = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID)


def applied_on(case) -> datetime.date:
    """The claim's date: when it was submitted, or today for a draft."""
    return timezone.localdate(case.submitted_at) if case.submitted_at else timezone.localdate()


def _read(keys, *, on: datetime.date, region) -> tuple[dict[str, ParameterValue], list[Finding]]:
    params, missing = {}, []
    for key in keys:
        try:
            params[key] = policy_parameter(key, on=on, region=region)
        except PolicyParameterMissing as exc:
            missing.append(Finding(exc.code, str(exc.message)))
    return params, missing


def _missing(findings: list[Finding]) -> Assessment:
    return Assessment(findings=tuple(findings), quote=None, no_quote_reason=findings[0])


def _assess_wgfh(case, detail: StablePostRefundDetail) -> Assessment:
    facts = rules.RefundFacts(
        premium_year=detail.premium_year, size_class=detail.size_class,
        average_insured_staff=detail.average_insured_staff, new_ui_claimants=detail.new_ui_claimants,
        prior_year_premiums=detail.prior_year_premiums, contribution_months=detail.contribution_months,
        dishonest=detail.dishonest)
    if facts.size_class not in rules.WGFH_SIZE_KEYS:
        return _missing([Finding("size_class", _("The enterprise's size class is not known."))])
    params, missing = _read((rules.WGFH_SIZE_KEYS[facts.size_class], *rules.WGFH_KEYS),
                            on=rules.wgfh_reference_date(facts.premium_year), region=case.region_id)
    if missing:
        return _missing(missing)
    return Assessment(findings=tuple(rules.wgfh_eligibility(facts, params)), quote=rules.wgfh_amount(facts, params))


def _benefit_overlaps(*, case, person_id: int, start: datetime.date, end: datetime.date):
    periods = (BenefitPeriod.objects.filter(person_id=person_id, voided=False, start_date__lte=end,
                                            end_date__gte=start)
               .exclude(case_id=case.pk).order_by("start_date"))
    return tuple(rules.BenefitSpan(label=p.get_benefit_display(), start=p.start_date, end=p.end_date)
                 for p in periods)


def _assess_sybzj(case, detail: UnemploymentSubsidyDetail) -> Assessment:
    region, since = case.region_id, detail.unemployed_since
    window, missing = _read(rules.SYBZJ_WINDOW_KEYS, on=since, region=region)
    if missing:
        return _missing([Finding("no_programme", _("No unemployment-subsidy programme covers unemployment that "
                                                   "began on %(date)s.") % {"date": since})])
    params, missing = _read(rules.SYBZJ_KEYS, on=since, region=region)
    if missing:
        return _missing(missing)
    params.update(window)
    facts = rules.UnemploymentFacts(category=detail.category, unemployed_since=since,
                                    insured_months=detail.insured_months)
    schedule = rules.sybzj_schedule(facts, params)
    if schedule is not None:
        facts = replace(facts, overlapping=_benefit_overlaps(case=case, person_id=detail.person_id,
                                                             start=schedule.start, end=schedule.end))
    findings = tuple(rules.sybzj_eligibility(facts, params))
    quote = rules.sybzj_amount(facts, params)
    reason = next((f for f in findings if f.code == "nothing_payable"), None)
    return Assessment(findings=findings, quote=quote, no_quote_reason=reason)


def sybzj_schedule_for(*, region, detail: UnemploymentSubsidyDetail) -> rules.UnemploymentSchedule | None:
    """The months and monthly amount of an unemployment-subsidy claim, when its parameters are in force."""
    params, missing = _read((*rules.SYBZJ_WINDOW_KEYS, *rules.SYBZJ_KEYS), on=detail.unemployed_since,
                            region=region)
    if missing:
        return None
    return rules.sybzj_schedule(rules.UnemploymentFacts(category=detail.category,
                                                        unemployed_since=detail.unemployed_since,
                                                        insured_months=detail.insured_months), params)


def _assess_jnts(case, detail: SkillUpgradeDetail) -> Assessment:
    keys = (rules.JNTS_LEVEL_KEYS[detail.level], *rules.JNTS_KEYS)
    params, missing = _read(keys, on=detail.issued_on, region=case.region_id)
    if missing:
        return _missing(missing)
    others = (SkillUpgradeDetail.objects.filter(person_id=detail.person_id, voided=False)
              .exclude(case_id=case.pk).exclude(case__status=CaseStatus.DRAFT)
              .values_list("case__ref", "occupation_code", "level", "case__submitted_at").order_by("case_id"))
    from training.selectors import certificate_paid_by_training

    facts = rules.SkillFacts(
        occupation_code=detail.occupation_code, level=detail.level, issued_on=detail.issued_on,
        ui_contribution_months=detail.ui_contribution_months, applied_on=applied_on(case),
        certificate_no=detail.certificate_no, paid_by_training=certificate_paid_by_training(detail.certificate_no),
        others=tuple(rules.SkillClaim(ref=ref, occupation_code=code, level=level,
                                      year=timezone.localdate(submitted_at).year)
                     for ref, code, level, submitted_at in others if submitted_at is not None))
    return Assessment(findings=tuple(rules.jnts_eligibility(facts, params)), quote=rules.jnts_amount(facts, params))


def _live_claims_of_hired_person(model, case, hired_person_id: int) -> tuple[str, ...]:
    """The refs of the hired person's submitted live claims in `model` (the other one-off hiring subsidy),
    other than this case. The submission reads them with the hired person's row locked (services/claims.py),
    so two claims for one person are judged one after the other."""
    return tuple(model.objects.filter(hired_person_id=hired_person_id, voided=False).exclude(case_id=case.pk)
                 .exclude(case__status=CaseStatus.DRAFT).order_by("case_id").values_list("case__ref", flat=True))


def _assess_xnjy(case, detail: HiringSubsidyDetail) -> Assessment:
    combined = _live_claims_of_hired_person(JobExpansionSubsidyDetail, case, detail.hired_person_id)
    params, missing = _read(rules.XNJY_KEYS, on=detail.hired_on, region=case.region_id)
    if missing:
        refused = rules.xnjy_combined_finding(combined)
        return _missing([refused, *missing] if refused is not None else missing)
    facts = rules.HiringFacts(hired_on=detail.hired_on, contract_months=detail.contract_months,
                              applied_on=applied_on(case), combined_with=combined)
    return Assessment(findings=tuple(rules.xnjy_eligibility(facts, params)), quote=rules.xnjy_amount(facts, params))


def _assess_kgbz(case, detail: JobExpansionSubsidyDetail) -> Assessment:
    combined = _live_claims_of_hired_person(HiringSubsidyDetail, case, detail.hired_person_id)
    refused = rules.kgbz_combined_finding(combined)
    try:
        standard = policy_parameter(rules.KGBZ_AMOUNT_KEY, on=detail.hired_on, region=case.region_id)
    except PolicyParameterMissing:
        # The programme's window is its amount's: a hire outside it is refused.
        outside = rules.kgbz_outside_window(detail.hired_on)
        return _missing([refused, outside] if refused is not None else [outside])
    params, missing = _read(rules.KGBZ_KEYS, on=detail.hired_on, region=case.region_id)
    if missing:
        return _missing([refused, *missing] if refused is not None else missing)
    params[rules.KGBZ_AMOUNT_KEY] = standard
    facts = rules.JobExpansionFacts(hired_on=detail.hired_on, category=detail.category,
                                    insured_months=detail.insured_months,
                                    birth_date=detail.hired_person.birth_date, applied_on=applied_on(case),
                                    left_school_on=detail.left_school_on, combined_with=combined)
    return Assessment(findings=tuple(rules.kgbz_eligibility(facts, params)), quote=rules.kgbz_amount(facts, params))


def _sbbt_first_approved_on(case, detail: SocialInsuranceSubsidyDetail) -> datetime.date:
    """The day of the person's first approved social-insurance subsidy (this claim's, or an earlier live one's);
    this claim's date while none is approved yet."""
    first = (SocialInsuranceSubsidyDetail.objects.filter(person_id=detail.person_id, voided=False,
                                                         case__decided_at__isnull=False,
                                                         case__status__in=APPROVED_STATUSES)
             .order_by("case__decided_at").values_list("case__decided_at", flat=True).first())
    return timezone.localdate(first) if first is not None else applied_on(case)


def _assess_sbbt(case, detail: SocialInsuranceSubsidyDetail) -> Assessment:
    person = detail.person
    params, missing = _read(rules.SBBT_KEYS, on=case.period_start or applied_on(case), region=case.region_id)
    if missing:
        return _missing(missing)
    age_key = rules.SBBT_RETIREMENT_AGE_KEYS.get(person.sex)
    if age_key is not None:
        # The run to retirement is read only when its parameter is in force; without it, the normal cap holds.
        ages, _absent = _read((age_key,), on=case.period_start or applied_on(case), region=case.region_id)
        params.update(ages)
    # The person's earlier live claims, first come first served: each was granted what was left before it.
    earlier_claims = (SocialInsuranceSubsidyDetail.objects.filter(person_id=detail.person_id, voided=False)
                      .exclude(case_id=case.pk).exclude(case__status=CaseStatus.DRAFT)
                      .filter(case__submitted_at__isnull=False))
    if case.submitted_at is not None:
        earlier_claims = earlier_claims.filter(case__submitted_at__lt=case.submitted_at)
    facts = rules.InsuranceFacts(category=detail.category, months=detail.months,
                                 monthly_contribution=detail.monthly_contribution, birth_date=person.birth_date,
                                 sex=person.sex, first_approved_on=_sbbt_first_approved_on(case, detail))
    cap = rules.sbbt_cap(replace(facts, category=""), params).months  # the person's, whatever this claim's type
    earlier: list[tuple[str, int]] = []
    for category, months in earlier_claims.order_by("case__submitted_at", "case_id").values_list("category",
                                                                                                    "months"):
        granted = rules.sbbt_months_granted(category=category, requested=months, earlier=earlier,
                                            max_months=cap, graduate_max_months=params["sbbt.graduate.max_months"]
                                            .value)
        earlier.append((category, granted))
    facts = replace(facts, earlier=tuple(earlier))
    findings = tuple(rules.sbbt_eligibility(facts, params))
    return Assessment(findings=findings, quote=rules.sbbt_amount(facts, params),
                      no_quote_reason=next((f for f in findings if f.blocking), None))


def _assess_cybt(case, detail: StartupSubsidyDetail) -> Assessment:
    try:
        standard = policy_parameter(rules.CYBT_AMOUNT_KEY, on=detail.registered_on, region=case.region_id)
    except PolicyParameterMissing:
        standard = None
    facts = rules.StartupFacts(registered_on=detail.registered_on, applied_on=applied_on(case),
                               reviewer_amount=detail.reviewer_amount,
                               reviewer_reason=detail.reviewer_amount_reason)
    quote = rules.cybt_amount(facts, standard)
    return Assessment(findings=tuple(rules.cybt_eligibility(facts)), quote=quote,
                      no_quote_reason=rules.cybt_no_amount_finding() if quote is None else None)


@dataclass(frozen=True)
class ClaimRules:
    detail_model: type
    detail_attr: str  # the detail's related name on Case
    assess: Callable


CLAIM_RULES: dict[str, ClaimRules] = {
    "WGFH": ClaimRules(StablePostRefundDetail, "stable_post_refund", _assess_wgfh),
    "SYBZJ": ClaimRules(UnemploymentSubsidyDetail, "unemployment_subsidy", _assess_sybzj),
    "JNTS": ClaimRules(SkillUpgradeDetail, "skill_upgrade", _assess_jnts),
    "XNJY": ClaimRules(HiringSubsidyDetail, "hiring_subsidy", _assess_xnjy),
    "KGBZ": ClaimRules(JobExpansionSubsidyDetail, "job_expansion_subsidy", _assess_kgbz),
    "SBBT": ClaimRules(SocialInsuranceSubsidyDetail, "social_insurance_subsidy", _assess_sbbt),
    "CYBT": ClaimRules(StartupSubsidyDetail, "startup_subsidy", _assess_cybt),
}


def claim_detail(case):
    """The kind's detail row of `case`, or None."""
    spec = CLAIM_RULES.get(case.kind)
    if spec is None:
        return None
    try:
        return getattr(case, spec.detail_attr)
    except ObjectDoesNotExist:
        return None


_shared: ContextVar[dict | None] = ContextVar("subsidies_assessments_shared", default=None)


@contextmanager
def assessments_shared():
    """Within it each claim is assessed once per language: for a caller that holds still what the rules read
    (the applicant's row locked, nothing the rules read written meanwhile), such as a claim filed and submitted
    in one transaction, which casework's submission and the subsidy's own checks would otherwise assess three
    times over."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def claim_assess(case) -> Assessment:
    """Findings and amount of a claim, in the current language (the applicant's pre-check uses it live)."""
    shared = _shared.get()
    slot = (case.pk, translation.get_language())
    if shared is not None and slot in shared:
        return shared[slot]
    detail = claim_detail(case)
    if detail is None:
        assessment = _missing([Finding("details_missing", _("The claim's details are missing."))])
    else:
        assessment = CLAIM_RULES[case.kind].assess(case, detail)
    if shared is not None:
        shared[slot] = assessment
    return assessment


def _eligibility(case) -> list[str]:
    # Stored with the case for the caseworker: in the portal's language, whatever the applicant's.
    with translation.override(settings.LANGUAGE_CODE):
        return [finding.message for finding in claim_assess(case).findings]


def _amount(case) -> AmountQuote | None:
    """The amount the rules give. A draft being submitted goes in without one when the rules cannot give it
    (eligibility lists why); from review on, an amount must come from a parameter in force (or, for the
    start-up subsidy, from the reviewer), so the reviewer is told why there is none. A case filed without
    the kind's details (by another channel than claim_file) keeps casework's way: its requested amount."""
    if claim_detail(case) is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        assessment = claim_assess(case)
    if assessment.quote is None and case.status != CaseStatus.DRAFT:
        reason = assessment.no_quote_reason or Finding("no_amount", _("No amount can be worked out."))
        raise ApplicationError(reason.message, code=reason.code)
    return assessment.quote


def _on_transition(*, cases, action: str, actor) -> None:
    from subsidies.services.claims import claim_transition_effects

    claim_transition_effects(cases=cases, action=action, actor=actor)


def _action_url(*, case, action: str) -> str:
    """A 免申即享 refund is submitted by confirming it with the bank account, on its own page."""
    from subsidies.services.claims import refund_awaits_confirmation

    if action == "submit" and refund_awaits_confirmation(case):
        return reverse("subsidies:refund_confirm", args=[case.ref])
    return ""


def _kind(code: str, label, applicant_type: str, materials, fund_source) -> CaseKind:
    return CaseKind(code=code, label=label, applicant_type=applicant_type, materials=materials,
                    time_limit_parameter="casework.time_limit_days.default", fund_source=fund_source,
                    eligibility=_eligibility, amount=_amount, on_transition=_on_transition,
                    action_url=_action_url if code == "WGFH" else None,
                    extra={"detail_template": CASE_PANEL_TEMPLATE})


SUBSIDY_KINDS = (
    _kind("WGFH", gettext_lazy("Stable-post refund (稳岗返还)"), "enterprise",
          (PLEDGE, Material("bank_account_proof", gettext_lazy("Proof of the basic bank account"), required=False)),
          UI_FUND),
    _kind("SYBZJ", gettext_lazy("Unemployment subsidy (失业补助金)"), "person",
          (ID_CARD, BANK_CARD, Material("separation_proof", gettext_lazy("Proof of leaving employment"))), UI_FUND),
    _kind("JNTS", gettext_lazy("Skill-upgrade subsidy (技能提升补贴)"), "person",
          (ID_CARD, BANK_CARD, Material("certificate", gettext_lazy("Vocational skill certificate"))), UI_FUND),
    _kind("XNJY", gettext_lazy("One-off hiring subsidy (一次性吸纳就业补贴)"), "enterprise",
          (PLEDGE, Material("labour_contract", gettext_lazy("Labour contract of the hired person"))),
          EMPLOYMENT_FUND),
    _kind("KGBZ", gettext_lazy("One-off job-expansion subsidy (一次性扩岗补助)"), "enterprise",
          (PLEDGE, Material("labour_contract", gettext_lazy("Labour contract of the hired person")),
           Material("insurance_record", gettext_lazy("Record of the unemployment, work-injury and pension "
                                                     "insurance paid for the hired person"))),
          UI_FUND),
    _kind("SBBT", gettext_lazy("Social-insurance subsidy (社会保险补贴)"), "person",
          (ID_CARD, BANK_CARD, Material("contribution_record", gettext_lazy("Social-insurance contribution record"))),
          EMPLOYMENT_FUND),
    _kind("CYBT", gettext_lazy("One-off start-up subsidy (一次性创业补贴)"), "person",
          (ID_CARD, BANK_CARD, Material("business_licence", gettext_lazy("Business licence"))), EMPLOYMENT_FUND),
)
SUBSIDY_KIND_CODES = tuple(kind.code for kind in SUBSIDY_KINDS)
