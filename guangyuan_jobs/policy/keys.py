"""The policy parameter keys: how they are named, and every key the system knows.

Naming: `<benefit>.<subject>[.<detail>]`, lower case, dots between parts, the benefit prefix being the
case-kind code of DOMAIN.md (wgfh 稳岗返还, sybzj 失业补助金, lshbz 农民工临时生活补助, jnts 技能提升补贴,
cddk 创业担保贷款, sbbt 社保补贴, xnjy 一次性吸纳就业补贴, kgbz 一次性扩岗补助), plus `monitoring` and
`casework`. Suffixes say the unit: `_min`/`_max` are inclusive limits, `ratio` values are fractions
(0.30 = 30 %), `_months`/`_years`/`_days` are counts, `amount` values are yuan. Each row carries its region
(none = national, 510000 Sichuan, 510800 Guangyuan, a county code), its period, its document and its
confidence; a lookup takes the nearest region in force on the reference date (selectors.policy_parameter).

Keys (seeded by migrations/0003_seed_documents_and_parameters.py):

稳岗返还 (DOMAIN §2)
    wgfh.ratio.large                        share of prior-year UI premiums refunded, large firms
    wgfh.ratio.sme                          the same for small, medium and micro firms
    wgfh.layoff_rate.control_target         national surveyed-unemployment control target, one row per year
    wgfh.layoff_rate.small_firm_max         layoff-rate limit for firms with few insured staff (20 %)
    wgfh.layoff_rate.small_firm_max_staff   insured staff up to which that limit applies (30)
    wgfh.contribution_months_min            months of full UI contributions required (12)
    wgfh.reference_entity.large_min_headcount  headcount from which the six 参照 entity types count as large
    wgfh.hardship.benefit_months            2020 firms in difficulty: months of UI benefit per insured (❓)
    wgfh.hardship.contribution_months       2020 firms in difficulty: months of contributions (❓)
    wgfh.fund_reserve_min_months            the area's UI fund must cover this many months (a switch)
    wgfh.direct.confirmation_working_days   免申即享: working days a firm has to confirm its refund, else
                                            deemed waived (❓ local choice; seeded by subsidies 0005)
失业补助金 and 临时生活补助 (§3)
    sybzj.rate_of_ui_benefit_max            cap as a share of the local UI benefit standard (0.8)
    sybzj.max_months                        months paid at most (6)
    sybzj.window.start / sybzj.window.end   unemployment between these dates qualifies
    sybzj.window.payment_end                last month payable (❓ local choice)
    sybzj.max_claims_per_person             claims per person ever (1)
    sybzj.ui_benefit_standard_monthly       Guangyuan's monthly UI benefit standard (❓ inferred, replace)
    lshbz.max_months                        migrant workers' temporary allowance: months at most (3)
    lshbz.window.start / lshbz.window.end   its period
    lshbz.insured_on_or_after               insured on or after this date
    lshbz.insured_months_below              insured fewer months than this
技能提升补贴 (§4)
    jnts.amount.junior / jnts.amount.intermediate / jnts.amount.senior   yuan per certificate level
    jnts.amount.mode                        "cap" (national: at most) or "fixed" (Sichuan 2023)
    jnts.contribution_months_min            cumulative UI months required (36, then 12)
    jnts.application_window_months          months after the certificate's issue date to apply (12)
    jnts.max_per_year                       subsidies per person per calendar year (3)
    jnts.occupation_level_limit_scope       "lifetime" or "per_year": one subsidy per occupation and level
    jnts.certificate_issued_on_or_after     earliest certificate issue date (2017-01-01)
    jnts.fund_reserve_min_months            the province's UI fund must cover this many months
创业担保贷款 (§5)
    cddk.individual.max_amount              individual loan cap (150000, 200000, 300000)
    cddk.enterprise.max_amount              small/micro enterprise loan cap
    cddk.enterprise.new_hire_ratio          new eligible hires ÷ current staff required
    cddk.enterprise.new_hire_ratio_large    the same for firms above the staff threshold
    cddk.enterprise.large_staff_threshold   staff above which the lower ratio applies (100)
    cddk.partnership.extra_ratio            partnership uplift on the sum of individual caps (10 %)
    cddk.individual.term_years_max / cddk.enterprise.term_years_max      loan terms (3 / 2 years)
    cddk.individual.max_loans / cddk.enterprise.max_loans                loans at most (3 / 2)
    cddk.interest.lpr_offset_bp             the borrower pays up to LPR minus this many basis points
    cddk.interest.rate_ceiling_bp           rate ceiling above LPR for central/western China (❓)
    cddk.interest.no_subsidy_if_extended / cddk.interest.no_subsidy_if_overdue
    cddk.counter_guarantee_waiver_max_amount  loans up to this amount need no counter-guarantee
    cddk.individual.business_operating_months_min / cddk.individual.online_merchant_operating_months_min
    cddk.covid.extension_years_max          2020: extension for borrowers with COVID-19
社保补贴, 吸纳就业补贴, 扩岗补助 (§6)
    sbbt.max_months                         social-insurance subsidy, months at most, cumulative over types
    sbbt.near_retirement_years              at first approval this close to retirement: paid to retirement
    sbbt.retirement_age.male / sbbt.retirement_age.female   statutory retirement ages for that run
                                            (subsidies/migrations/0008_instalment_payments.py; 60 / 50, pre-2025)
    sbbt.graduate.max_months / sbbt.graduate.years_since_leaving_max
    xnjy.amount_per_hire / xnjy.contract_months_min        Sichuan 2024 hiring subsidy (2000)
    kgbz.amount_per_hire / kgbz.insured_months_min          job-expansion subsidy (1500)
    kgbz.youth_age_min / kgbz.youth_age_max / kgbz.graduate.years_since_leaving_max
失业动态监测 (§8.3, statutory)
    monitoring.mass_layoff.min_people / monitoring.mass_layoff.min_ratio / monitoring.mass_layoff.notice_days
经办 (local administrative choices, all ❓ until signed off)
    casework.time_limit_days.default        working days from acceptance to decision (a kind may add
                                            casework.time_limit_days.<kind>)
    casework.time_limit_days.review / casework.time_limit_days.approval / casework.time_limit_days.payment
    casework.public_notice_working_days     length of a public notice (公示)
    casework.dual_approval_threshold        amount from which two different approvers are needed
    casework.missing_material_due_working_days  time to supply materials missing at acceptance (容缺)

Keys seeded by the business apps' own migrations (each documented in that migration's docstring):
创业担保贷款 (entrepreneurship/migrations/0002_seed_loan_parameters.py)
    cddk.lpr_1y                             the published 1-year LPR, one row per change (⚠️ to check)
    cddk.eligible_groups                    eligible borrower groups (code list), by period
    cddk.counter_guarantee.exempt_groups    groups needing no counter-guarantee (Sichuan: graduates, poverty)
    cddk.subsidy.individual.term_years / cddk.subsidy.enterprise.term_years   years the interest is subsidised
    cddk.interest.day_count_basis           days in the interest year (360)
创业担保贷款 (entrepreneurship/migrations/0003_epidemic_extension_city_figures.py)
    cddk.covid.extension_subsidised         2020: an epidemic-policy extension keeps the interest subsidy
重点群体 (priority_groups/migrations/0002_seed_groups_parameters_no_overlap.py)
    pg.contact_cadence_days.default / pg.contact_cadence_days.graduate /
    pg.contact_cadence_days.zero_employment_household / pg.contact_cadence_days.relapse_monitored
                                            days between contacts under one-person-one-plan (❓)
    pg.labour_age.minimum / pg.labour_age.male_maximum / pg.labour_age.female_maximum   working age
疑点与追回 (integrity/migrations/0002_seed_rules_and_parameters.py)
    integrity.screening.paid_lookback_days  how far back paid cases are re-screened on new department data (❓)
    integrity.recovery.max_instalments      monthly instalments a recovery may be spread over (❓)
    integrity.recovery.first_due_days       days from opening a recovery to its first instalment (❓)
告知与文书 (guangyuan_jobs/notices/migrations/0002_seed_appeal_periods_reminders_and_templates.py)
    notices.appeal.reconsideration_days     行政复议: days to apply (60)
    notices.appeal.litigation_months        行政诉讼: months to sue (6)
    notices.missing_material_reminder_working_days  reminder this many working days before the due date (❓)
失业动态监测 (monitoring/migrations/0003_seed_rules_and_parameters.py)
    monitoring.return.due_day               day of the month a monthly return is due (❓)
    monitoring.plausibility.max_change_ratio / monitoring.plausibility.balance_tolerance   implausible returns (❓)
职业培训 (training/migrations/0002_seed_catalogue_and_parameters.py)
    training.lottery.max_wins_per_institution   packages one institution may win in one draw session
    training.lottery.min_public_numbers     public numbers announced at a draw
    training.attendance.min_share           attendance a trainee needs to count as qualified
    training.acceptance.score_maxima / training.acceptance.tranche_bands   acceptance scoring and payment shares
创业园区认定 (startup_parks/migrations/0001_park_tables.py)
    parks.criteria                          certification standard: scored criteria per park kind (❓ draft)
    parks.pass_mark                         total points needed to be certified (❓)
    parks.certificate.validity_years        years a certificate runs before re-evaluation (❓)
    parks.reevaluation.due_within_days      listed as due when the certificate ends within these days (❓)
    parks.evaluation.min_evaluators         evaluators who score an application before the decision (❓)
    parks.reward.demonstration_amount       以奖代补 for a certified 返乡创业示范园区 (10万 南充, ❓ for 广元)
统计报表 (stat_reports/migrations/0002_seed_statistics_parameters.py)
    stats.month_start_day                   a statistical month runs from this day of the month before (21)
    stats.money_unit / stats.money_decimals money in the forms: 万元 with 2 decimals

Gaps, not seeded because DOMAIN.md found no value (§12): Sichuan/Guangyuan 失业补助金 tiers, Sichuan
社保补贴 rates, 一次性创业补贴 amounts, the pre-2024 吸纳就业补贴 amount, training subsidy standards,
Guangyuan's unemployment-warning thresholds. Other localities' numbers ([L]) are not applied to Guangyuan.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KEYS = {
    "wgfh.ratio.large": _("Stable-post refund ratio, large firms"),
    "wgfh.ratio.sme": _("Stable-post refund ratio, small, medium and micro firms"),
    "wgfh.layoff_rate.control_target": _("Layoff-rate limit: national unemployment control target of the year"),
    "wgfh.layoff_rate.small_firm_max": _("Layoff-rate limit for firms with few insured staff"),
    "wgfh.layoff_rate.small_firm_max_staff": _("Insured staff up to which the small-firm layoff limit applies"),
    "wgfh.contribution_months_min": _("Stable-post refund: months of full UI contributions required"),
    "wgfh.reference_entity.large_min_headcount": _("Headcount from which associations and firms of professions "
                                                   "count as large"),
    "wgfh.hardship.benefit_months": _("2020 firms in difficulty: months of UI benefit per insured employee"),
    "wgfh.hardship.contribution_months": _("2020 firms in difficulty: months of social-insurance contributions"),
    "wgfh.fund_reserve_min_months": _("Stable-post refund: months of payments the UI fund reserve must cover"),
    "wgfh.direct.confirmation_working_days": _("Stable-post refund without application: working days to confirm"),
    "sybzj.rate_of_ui_benefit_max": _("Unemployment subsidy: cap as a share of the local UI benefit standard"),
    "sybzj.max_months": _("Unemployment subsidy: months paid at most"),
    "sybzj.window.start": _("Unemployment subsidy: first day of the qualifying period"),
    "sybzj.window.end": _("Unemployment subsidy: last day of the qualifying period"),
    "sybzj.window.payment_end": _("Unemployment subsidy: last day payable"),
    "sybzj.max_claims_per_person": _("Unemployment subsidy: claims per person"),
    "sybzj.ui_benefit_standard_monthly": _("Local monthly UI benefit standard"),
    "lshbz.max_months": _("Migrant workers' temporary allowance: months paid at most"),
    "lshbz.window.start": _("Migrant workers' temporary allowance: first day"),
    "lshbz.window.end": _("Migrant workers' temporary allowance: last day"),
    "lshbz.insured_on_or_after": _("Migrant workers' temporary allowance: insured on or after"),
    "lshbz.insured_months_below": _("Migrant workers' temporary allowance: insured fewer months than"),
    "jnts.amount.junior": _("Skill-upgrade subsidy, junior certificate (level 5)"),
    "jnts.amount.intermediate": _("Skill-upgrade subsidy, intermediate certificate (level 4)"),
    "jnts.amount.senior": _("Skill-upgrade subsidy, senior certificate (level 3)"),
    "jnts.amount.mode": _("Skill-upgrade subsidy: amounts are a cap or fixed"),
    "jnts.contribution_months_min": _("Skill-upgrade subsidy: cumulative UI months required"),
    "jnts.application_window_months": _("Skill-upgrade subsidy: months after the certificate's issue date"),
    "jnts.max_per_year": _("Skill-upgrade subsidies per person per calendar year"),
    "jnts.occupation_level_limit_scope": _("Skill-upgrade subsidy: one per occupation and level, for life or "
                                           "per year"),
    "jnts.certificate_issued_on_or_after": _("Skill-upgrade subsidy: earliest certificate issue date"),
    "jnts.fund_reserve_min_months": _("Skill-upgrade subsidy: months of payments the UI fund must cover"),
    "cddk.individual.max_amount": _("Guaranteed start-up loan cap, individual"),
    "cddk.enterprise.max_amount": _("Guaranteed start-up loan cap, small or micro enterprise"),
    "cddk.enterprise.new_hire_ratio": _("Enterprise loan: new eligible hires as a share of staff"),
    "cddk.enterprise.new_hire_ratio_large": _("Enterprise loan: new-hire share for firms above the staff threshold"),
    "cddk.enterprise.large_staff_threshold": _("Enterprise loan: staff above which the lower new-hire share applies"),
    "cddk.partnership.extra_ratio": _("Partnership loan uplift on the partners' individual caps"),
    "cddk.individual.term_years_max": _("Individual loan term, years at most"),
    "cddk.enterprise.term_years_max": _("Enterprise loan term, years at most"),
    "cddk.individual.max_loans": _("Loans per individual at most"),
    "cddk.enterprise.max_loans": _("Loans per enterprise at most"),
    "cddk.interest.lpr_offset_bp": _("Borrower pays interest up to LPR minus these basis points"),
    "cddk.interest.rate_ceiling_bp": _("Loan rate ceiling above LPR, basis points"),
    "cddk.interest.no_subsidy_if_extended": _("No interest subsidy on extended loans"),
    "cddk.interest.no_subsidy_if_overdue": _("No interest subsidy on overdue loans"),
    "cddk.counter_guarantee_waiver_max_amount": _("Loans up to this amount need no counter-guarantee"),
    "cddk.individual.business_operating_months_min": _("Individual loan: months a registered business has operated"),
    "cddk.individual.online_merchant_operating_months_min": _("Individual loan: months an online shop has operated"),
    "cddk.covid.extension_years_max": _("2020: loan extension for borrowers with COVID-19, years"),
    "sbbt.max_months": _("Social-insurance subsidy: months at most, all types together"),
    "sbbt.near_retirement_years": _("Social-insurance subsidy: years before retirement from which it runs to "
                                    "retirement"),
    "sbbt.retirement_age.male": _("Social-insurance subsidy: statutory retirement age, men"),
    "sbbt.retirement_age.female": _("Social-insurance subsidy: statutory retirement age, women"),
    "sbbt.graduate.max_months": _("Social-insurance subsidy for graduates in flexible work: months at most"),
    "sbbt.graduate.years_since_leaving_max": _("Social-insurance subsidy: years since leaving school at most"),
    "xnjy.amount_per_hire": _("One-off hiring subsidy per person hired"),
    "xnjy.contract_months_min": _("One-off hiring subsidy: contract months required"),
    "kgbz.amount_per_hire": _("One-off job-expansion subsidy per person hired"),
    "kgbz.insured_months_min": _("Job-expansion subsidy: months insured required"),
    "kgbz.youth_age_min": _("Job-expansion subsidy: youngest registered unemployed youth"),
    "kgbz.youth_age_max": _("Job-expansion subsidy: oldest registered unemployed youth"),
    "kgbz.graduate.years_since_leaving_max": _("Job-expansion subsidy: years since graduation at most"),
    "monitoring.mass_layoff.min_people": _("Mass layoff: people reduced that must be reported"),
    "monitoring.mass_layoff.min_ratio": _("Mass layoff: share of staff reduced that must be reported"),
    "monitoring.mass_layoff.notice_days": _("Mass layoff: days of notice"),
    "casework.time_limit_days.default": _("Time limit from acceptance to decision, working days"),
    "casework.time_limit_days.review": _("Time limit for the review, working days"),
    "casework.time_limit_days.approval": _("Time limit for the approval, working days"),
    "casework.time_limit_days.payment": _("Time limit for the payment, working days"),
    "casework.public_notice_working_days": _("Public notice period, working days"),
    "casework.dual_approval_threshold": _("Amount from which two approvers are needed"),
    "casework.missing_material_due_working_days": _("Working days to supply missing materials"),
    "cddk.lpr_1y": _("One-year loan prime rate (LPR), percent"),
    "cddk.eligible_groups": _("Groups eligible for a guaranteed loan"),
    "cddk.counter_guarantee.exempt_groups": _("Groups needing no counter-guarantee"),
    "cddk.subsidy.individual.term_years": _("Interest subsidy term, individual loans, years"),
    "cddk.subsidy.enterprise.term_years": _("Interest subsidy term, enterprise loans, years"),
    "cddk.interest.day_count_basis": _("Days in an interest year"),
    "cddk.covid.extension_subsidised": _("2020: interest subsidy continues over an epidemic-policy extension"),
    "pg.contact_cadence_days.default": _("Days between contacts, one-person-one-plan"),
    "pg.contact_cadence_days.graduate": _("Days between contacts, unemployed graduates"),
    "pg.contact_cadence_days.relapse_monitored": _("Days between contacts, people monitored for relapse"),
    "pg.contact_cadence_days.zero_employment_household": _("Days between contacts, zero-employment households"),
    "pg.labour_age.minimum": _("Minimum working age"),
    "pg.labour_age.male_maximum": _("Working age limit, men"),
    "pg.labour_age.female_maximum": _("Working age limit, women"),
    "integrity.recovery.first_due_days": _("Days from opening a recovery to its first instalment"),
    "integrity.recovery.max_instalments": _("Most instalments of a recovery"),
    "integrity.screening.paid_lookback_days": _("Days back paid cases are re-screened"),
    "notices.appeal.litigation_months": _("Months to bring an administrative lawsuit"),
    "notices.appeal.reconsideration_days": _("Days to apply for administrative reconsideration"),
    "notices.missing_material_reminder_working_days": _("Reminder before missing materials are due, working days"),
    "monitoring.plausibility.balance_tolerance": _("Tolerance of a return's headcount balance, people"),
    "monitoring.plausibility.max_change_ratio": _("Largest plausible monthly headcount change"),
    "monitoring.return.due_day": _("Day of the month monitoring returns are due"),
    "training.acceptance.score_maxima": _("Acceptance score: maximum per indicator"),
    "training.acceptance.tranche_bands": _("Acceptance score bands and payment shares"),
    "training.attendance.min_share": _("Least attendance share to qualify"),
    "training.lottery.max_wins_per_institution": _("Packages one institution may win in a draw"),
    "training.lottery.min_public_numbers": _("Public numbers needed at a draw"),
    "parks.criteria": _("Park certification standard: scored criteria"),
    "parks.pass_mark": _("Park certification: pass mark, points"),
    "parks.certificate.validity_years": _("Park certificate validity, years"),
    "parks.reevaluation.due_within_days": _("Park re-evaluation due when the certificate ends within, days"),
    "parks.evaluation.min_evaluators": _("Park certification: evaluators needed"),
    "parks.reward.demonstration_amount": _("Reward for a certified demonstration park (以奖代补)"),
    "stats.month_start_day": _("Day a statistical month starts (in the month before)"),
    "stats.money_unit": _("Money unit of the statistical forms, yuan"),
    "stats.money_decimals": _("Decimals of money in the statistical forms"),
}

UNITS = {
    "": "",
    "ratio": pgettext_lazy("unit", "ratio"),
    "yuan": pgettext_lazy("unit", "yuan"),
    "yuan_per_month": pgettext_lazy("unit", "yuan per month"),
    "months": pgettext_lazy("unit", "months"),
    "years": pgettext_lazy("unit", "years"),
    "days": pgettext_lazy("unit", "days"),
    "working_days": pgettext_lazy("unit", "working days"),
    "people": pgettext_lazy("unit", "people"),
    "times": pgettext_lazy("unit", "times"),
    "bp": pgettext_lazy("unit", "basis points"),
    "date": pgettext_lazy("unit", "date"),
}


def key_label(key: str) -> str:
    """The readable name of a key; a key added later without a label shows itself."""
    return KEYS.get(key, key)


def unit_label(unit: str) -> str:
    return UNITS.get(unit, unit)
