"""The service guides' own words (办事指南), per subsidy kind: who qualifies, the public steps of a claim and
their time-limit parameters. Pure data: every amount, limit and date in these texts is a placeholder filled
from the policy parameter in force (subsidies.selectors_outreach builds the guide)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Condition:
    """One line of "who qualifies". `%(name)s` placeholders take the value of the parameter `parameters[name]`
    in force, so the text never holds an amount or a limit of its own."""

    text: str
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GuideContent:
    summary: str
    conditions: tuple[Condition, ...]
    # The parameters shown with their document and confidence (the "standards" table).
    keys: tuple[str, ...]
    # "today", or "premium_year": the stable-post refund is computed on the prior calendar year's premiums,
    # so its values are those in force on the last day of that year.
    reference: str = "today"
    # A date parameter after which the measure's qualifying period is over (a temporary measure); once it is
    # past, the guide says so and shows the values of that last day.
    window_end_key: str = ""


GUIDES: dict[str, GuideContent] = {
    "WGFH": GuideContent(
        summary=_("Employers that keep their staff get back part of the unemployment-insurance premiums they paid "
                  "last year."),
        conditions=(
            Condition(_("Insured for unemployment insurance, with at least %(months)s of full contributions."),
                      {"months": "wgfh.contribution_months_min"}),
            Condition(_("Layoff rate last year (new unemployment-insurance claimants divided by average insured "
                        "staff) not above %(target)s; firms insuring no more than %(staff)s: not above %(small)s."),
                      {"target": "wgfh.layoff_rate.control_target", "staff": "wgfh.layoff_rate.small_firm_max_staff",
                       "small": "wgfh.layoff_rate.small_firm_max"}),
            Condition(_("Not on the list of seriously dishonest entities, and not a firm that has shut down with no "
                        "prospect of recovery.")),
            Condition(_("Refund: %(large)s of last year's premiums for large firms, %(sme)s for small, medium and "
                        "micro firms."), {"large": "wgfh.ratio.large", "sme": "wgfh.ratio.sme"}),
            Condition(_("Most firms need not apply (免申即享): the Center matches the social-insurance data, tells the "
                        "firm by SMS, and the firm confirms the amount and its bank account online.")),
        ),
        keys=("wgfh.ratio.large", "wgfh.ratio.sme", "wgfh.layoff_rate.control_target",
              "wgfh.layoff_rate.small_firm_max", "wgfh.layoff_rate.small_firm_max_staff",
              "wgfh.contribution_months_min", "wgfh.reference_entity.large_min_headcount"),
        reference="premium_year",
    ),
    "SYBZJ": GuideContent(
        summary=_("A monthly subsidy for insured people who lost their job and receive no unemployment-insurance "
                  "benefit."),
        conditions=(
            Condition(_("Became unemployed between %(start)s and %(end)s."),
                      {"start": "sybzj.window.start", "end": "sybzj.window.end"}),
            Condition(_("Your unemployment-insurance benefit ended while you were still unemployed, or you were "
                        "insured but do not meet the conditions for that benefit.")),
            Condition(_("Up to %(rate)s of the local unemployment-insurance benefit standard (%(standard)s) each "
                        "month, for at most %(months)s."),
                      {"rate": "sybzj.rate_of_ui_benefit_max", "standard": "sybzj.ui_benefit_standard_monthly",
                       "months": "sybzj.max_months"}),
            Condition(_("Claims per person: %(times)s; not while receiving unemployment-insurance benefit or the "
                        "migrant workers' temporary allowance; payment stops when you start a new job."),
                      {"times": "sybzj.max_claims_per_person"}),
        ),
        keys=("sybzj.window.start", "sybzj.window.end", "sybzj.window.payment_end", "sybzj.rate_of_ui_benefit_max",
              "sybzj.ui_benefit_standard_monthly", "sybzj.max_months", "sybzj.max_claims_per_person"),
        window_end_key="sybzj.window.end",
    ),
    "JNTS": GuideContent(
        summary=_("A one-off subsidy for insured employees, and people receiving unemployment-insurance benefit, "
                  "who gain a vocational skill certificate."),
        conditions=(
            Condition(_("Insured for unemployment insurance for at least %(months)s in total, or receiving "
                        "unemployment-insurance benefit."), {"months": "jnts.contribution_months_min"}),
            Condition(_("A vocational qualification or skill-level certificate (junior, intermediate or senior) issued "
                        "on or after %(earliest)s, found in the national online certificate look-up."),
                      {"earliest": "jnts.certificate_issued_on_or_after"}),
            Condition(_("Apply within %(window)s of the issue date printed on the certificate."),
                      {"window": "jnts.application_window_months"}),
            Condition(_("Amount: junior %(junior)s, intermediate %(intermediate)s, senior %(senior)s."),
                      {"junior": "jnts.amount.junior", "intermediate": "jnts.amount.intermediate",
                       "senior": "jnts.amount.senior"}),
            Condition(_("At most %(per_year)s a year; one per occupation and level; no lower level after a "
                        "higher one in the same occupation; not together with a training subsidy for the same "
                        "certificate."), {"per_year": "jnts.max_per_year"}),
        ),
        keys=("jnts.amount.junior", "jnts.amount.intermediate", "jnts.amount.senior", "jnts.amount.mode",
              "jnts.contribution_months_min", "jnts.application_window_months", "jnts.max_per_year",
              "jnts.occupation_level_limit_scope", "jnts.certificate_issued_on_or_after"),
    ),
    "XNJY": GuideContent(
        summary=_("A one-off subsidy for employers that hire graduates of the year, people at risk of falling back "
                  "into poverty, or people with employment difficulties."),
        conditions=(
            Condition(_("Hired a graduate in the graduation year, a person monitored against falling back into "
                        "poverty, or a person with employment difficulties.")),
            Condition(_("A labour contract of at least %(months)s, with social insurance paid."),
                      {"months": "xnjy.contract_months_min"}),
            Condition(_("%(amount)s per person hired; one employer per person; not together with the job-expansion "
                        "subsidy for the same person."), {"amount": "xnjy.amount_per_hire"}),
        ),
        keys=("xnjy.amount_per_hire", "xnjy.contract_months_min"),
    ),
    "SBBT": GuideContent(
        summary=_("Part of the social-insurance contributions of people with employment difficulties, and of "
                  "graduates in flexible work."),
        conditions=(
            Condition(_("A person with employment difficulties hired by an employer or in flexible work, or the "
                        "holder of a public-welfare post.")),
            Condition(_("A university graduate in flexible work within %(years)s of leaving school, for at most "
                        "%(graduate_months)s."),
                      {"years": "sbbt.graduate.years_since_leaving_max",
                       "graduate_months": "sbbt.graduate.max_months"}),
            Condition(_("At most %(months)s, all types counted together; within %(near)s of retirement "
                        "at the first approval, until retirement."),
                      {"months": "sbbt.max_months", "near": "sbbt.near_retirement_years"}),
        ),
        keys=("sbbt.max_months", "sbbt.near_retirement_years", "sbbt.graduate.max_months",
              "sbbt.graduate.years_since_leaving_max"),
    ),
    "CYBT": GuideContent(
        summary=_("A one-off subsidy for people who start a business for the first time."),
        conditions=(
            Condition(_("Registered a business for the first time, still operating, and paying social insurance.")),
            Condition(_("The amount is not yet entered in the policy register: ask the Center before you apply.")),
        ),
        keys=(),
    ),
}

# The public steps of every claim, with the parameter holding each step's time limit (working days).
# `limit` is how the time limit reads on the page.
STEPS = (
    ("submit", _("Submit the claim"), _("Online, or at the service counter of your district."), "", ""),
    ("accept", _("Acceptance (受理)"),
     _("A claim with a material missing can still be accepted (容缺受理); the claim lapses if it is not supplied "
       "in time."),
     "casework.missing_material_due_working_days", _("missing materials within %(days)s working days")),
    ("review", _("Review (审核)"), _("The Center checks the conditions against the data it holds."),
     "casework.time_limit_days.review", _("within %(days)s working days")),
    ("approve", _("Approval (审批)"), _("Someone other than the reviewer decides, and tells you why if refused."),
     "casework.time_limit_days.approval", _("within %(days)s working days")),
    ("notice", _("Public notice (公示)"),
     _("Approved claims are published with names and ID numbers masked; anyone may object."),
     "casework.public_notice_working_days", _("%(days)s working days")),
    ("pay", _("Payment (拨付)"),
     _("To your social security card or bank account; firms to their basic account."),
     "casework.time_limit_days.payment", _("within %(days)s working days")),
)

TEXT_VALUE_LABELS = {
    "cap": _("at most the amount shown"),
    "fixed": _("exactly the amount shown"),
    "lifetime": _("once for life"),
    "per_year": _("once a year"),
}
APPLICANT_LABELS = {"person": _("Individuals"), "enterprise": _("Employers (enterprises and other units)")}
