"""The subsidy kinds, registered with casework. Their eligibility and amount rules come with the subsidies
issue (rules.py); here each kind declares what casework needs: label, applicant, materials, time limit,
fund source."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.kinds import CaseKind, Material

UI_FUND = _("Unemployment insurance fund (失业保险基金)")
EMPLOYMENT_FUND = _("Employment subsidy fund (就业补助资金)")

ID_CARD = Material("id_card", _("Resident ID card"))
BANK_CARD = Material("bank_card", _("Social security card or bank card"))
PLEDGE = Material("pledge", _("Signed pledge (承诺书)"))

SUBSIDY_KINDS = (
    CaseKind(
        code="WGFH", label=_("Stable-post refund (稳岗返还)"), applicant_type="enterprise",
        materials=(PLEDGE, Material("bank_account_proof", _("Proof of the basic bank account"), required=False)),
        time_limit_parameter="casework.time_limit_days.default", fund_source=UI_FUND,
    ),
    CaseKind(
        code="SYBZJ", label=_("Unemployment subsidy (失业补助金)"), applicant_type="person",
        materials=(ID_CARD, BANK_CARD, Material("separation_proof", _("Proof of leaving employment"))),
        time_limit_parameter="casework.time_limit_days.default", fund_source=UI_FUND,
    ),
    CaseKind(
        code="JNTS", label=_("Skill-upgrade subsidy (技能提升补贴)"), applicant_type="person",
        materials=(ID_CARD, BANK_CARD, Material("certificate", _("Vocational skill certificate"))),
        time_limit_parameter="casework.time_limit_days.default", fund_source=UI_FUND,
    ),
    CaseKind(
        code="XNJY", label=_("One-off hiring subsidy (一次性吸纳就业补贴)"), applicant_type="enterprise",
        materials=(PLEDGE, Material("labour_contract", _("Labour contract of the hired person"))),
        time_limit_parameter="casework.time_limit_days.default", fund_source=EMPLOYMENT_FUND,
    ),
    CaseKind(
        code="SBBT", label=_("Social-insurance subsidy (社会保险补贴)"), applicant_type="person",
        materials=(ID_CARD, BANK_CARD, Material("contribution_record", _("Social-insurance contribution record"))),
        time_limit_parameter="casework.time_limit_days.default", fund_source=EMPLOYMENT_FUND,
    ),
    CaseKind(
        code="CYBT", label=_("One-off start-up subsidy (一次性创业补贴)"), applicant_type="person",
        materials=(ID_CARD, BANK_CARD, Material("business_licence", _("Business licence"))),
        time_limit_parameter="casework.time_limit_days.default", fund_source=EMPLOYMENT_FUND,
    ),
)
