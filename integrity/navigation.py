from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Suspicious items"), "integrity:finding_list", "bi-search", "integrity.view_finding", applicant=False),
    NavItem(_("Recoveries"), "integrity:recovery_list", "bi-arrow-counterclockwise", "integrity.view_recovery",
            applicant=False),
    NavItem(_("Data comparison"), "integrity:import_list", "bi-database-check", "integrity.view_sourceimport",
            applicant=False),
    NavItem(_("Risk rules"), "integrity:rule_list", "bi-sliders2", "integrity.view_riskrule", applicant=False),
)
