"""The loan kinds registered with casework, and the quarterly interest-subsidy claim to finance.

A loan application is filed, accepted, reviewed and approved as a case: that is the Center's eligibility
review. The case carries no amount, because the Center pays nothing: the bank lends; the amount applied for
lives in LoanApplication. The approval opens the Loan (services/loans.py) that the bank and the guarantee
fund take on from there. The quarterly subsidy claim (CDDKTX) is a case whose amount is the quarter's subsidy.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entrepreneurship import rules
from guangyuan_jobs.casework.kinds import AmountQuote, CaseKind, Material
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_parameter

EMPLOYMENT_FUND = gettext_lazy("Employment subsidy fund (就业补助资金)")
GUARANTEE_FUND = gettext_lazy("Start-up loan guarantee fund (创业担保贷款担保基金)")
KIND_BY_TYPE = {rules.INDIVIDUAL: "CDDK", rules.PARTNERSHIP: "CDDKHH", rules.ENTERPRISE: "CDDKQY"}
LOAN_KIND_CODES = tuple(KIND_BY_TYPE.values())
SUBSIDY_CLAIM_KIND = "CDDKTX"
PANEL_TEMPLATE = "entrepreneurship/loans/_case_panel.html"
CLAIM_PANEL_TEMPLATE = "entrepreneurship/subsidy/_case_panel.html"


def applied_on(case) -> datetime.date:
    return timezone.localdate(case.submitted_at) if case.submitted_at else timezone.localdate()


def application_of(case):
    try:
        return case.loan_application
    except ObjectDoesNotExist:
        return None


def read_parameters(keys, *, on: datetime.date, region) -> tuple[dict, list[str]]:
    params, missing = {}, []
    for key in keys:
        try:
            params[key] = policy_parameter(key, on=on, region=region)
        except PolicyParameterMissing as exc:
            missing.append(str(exc.message))
    return params, missing


def application_assess(case) -> tuple[list[str], rules.CounterGuarantee | None, rules.LoanCap | None]:
    """Findings, counter-guarantee decision and cap of a loan application, on its application date."""
    from entrepreneurship.selectors import application_facts

    application = application_of(case)
    if application is None:
        return [_("The application's details are missing.")], None, None
    facts = application_facts(application, applied_on=applied_on(case))
    params, missing = read_parameters(rules.application_keys(application.loan_type), on=facts.applied_on,
                                      region=case.region_id)
    if missing:
        return missing, None, None
    findings = [f.message for f in rules.loan_findings(facts, params)]
    return findings, rules.counter_guarantee(facts, params), rules.loan_cap(facts, params)


def _eligibility(case) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return application_assess(case)[0]


def _on_loan_transition(*, cases, action: str, actor) -> None:
    from entrepreneurship.services.applications import application_transition_effects

    application_transition_effects(cases=cases, action=action, actor=actor)


def _claim_amount(case) -> AmountQuote | None:
    try:
        claim = case.loan_subsidy_claim
    except ObjectDoesNotExist:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return AmountQuote(amount=claim.total, explanation=_(
            "Interest subsidy of %(loans)d loans of %(bank)s for %(year)d Q%(quarter)d, computed from each contract "
            "(ACT/360 on the daily balance).") % {"loans": claim.loans, "bank": claim.bank.name, "year": claim.year,
                                                  "quarter": claim.quarter})


ID_CARD = Material("id_card", gettext_lazy("Resident ID card"))
LICENCE = Material("business_licence", gettext_lazy("Business licence"))
GROUP_PROOF = Material("group_proof", gettext_lazy("Proof of the eligible group"))
CREDIT_REPORT = Material("credit_report", gettext_lazy("Credit reports of the borrower and spouse"))
COUNTER_GUARANTEE = Material("counter_guarantee", gettext_lazy("Counter-guarantee documents"), required=False)


def _loan_kind(code: str, label, applicant_type: str, materials) -> CaseKind:
    return CaseKind(code=code, label=label, applicant_type=applicant_type, materials=materials,
                    fund_source=GUARANTEE_FUND, public_notice=False, eligibility=_eligibility,
                    on_transition=_on_loan_transition, extra={"detail_template": PANEL_TEMPLATE})


LOAN_KINDS = (
    _loan_kind("CDDK", gettext_lazy("Guaranteed start-up loan, individual (创业担保贷款)"), "person",
               (ID_CARD, LICENCE, GROUP_PROOF, CREDIT_REPORT, COUNTER_GUARANTEE)),
    _loan_kind("CDDKHH", gettext_lazy("Guaranteed start-up loan, partnership (合伙创业担保贷款)"), "person",
               (ID_CARD, LICENCE, GROUP_PROOF, CREDIT_REPORT, COUNTER_GUARANTEE,
                Material("partnership_agreement", gettext_lazy("Partnership agreement")))),
    _loan_kind("CDDKQY", gettext_lazy("Guaranteed start-up loan, small or micro enterprise (小微企业创业担保贷款)"),
               "enterprise", (LICENCE, CREDIT_REPORT, COUNTER_GUARANTEE,
                              Material("hiring_proof",
                                       gettext_lazy("Labour contracts and insurance of the new hires")))),
)
SUBSIDY_CLAIM = CaseKind(
    code=SUBSIDY_CLAIM_KIND, label=gettext_lazy("Quarterly start-up loan interest subsidy (创业担保贷款贴息)"),
    applicant_type="enterprise", fund_source=EMPLOYMENT_FUND, public_notice=False, amount=_claim_amount,
    extra={"detail_template": CLAIM_PANEL_TEMPLATE},
)
ALL_KINDS = (*LOAN_KINDS, SUBSIDY_CLAIM)
