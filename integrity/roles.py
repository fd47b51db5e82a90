"""The verifier role (疑点核查) and integrity's permissions added to the kernel roles."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

VIEW = ("integrity.view_finding", "integrity.view_recovery", "integrity.view_riskrule",
        "integrity.view_sourceimport", "integrity.view_externalrecord")

ROLES = (
    Role("verifier", _("Verifier of suspicious items (疑点核查)"),
         ("casework.view_case", "registry.view_person", "registry.view_enterprise", "reports.export_report",
          "integrity.verify_finding", *VIEW)),
)

GRANTS = {
    # Reviewers verify findings on cases they did not handle (the service refuses the others).
    "reviewer": ("integrity.verify_finding", "integrity.view_finding", "integrity.view_riskrule"),
    "entry": ("integrity.add_sourceimport", "integrity.view_sourceimport"),
    "finance": ("integrity.view_finding", "integrity.view_recovery", "integrity.record_recovery"),
    "manager": (*VIEW, "integrity.change_riskrule", "integrity.assign_finding"),
    # Read-only: every finding with its status, every recovery with its balance, the rules and the imports.
    "auditor": VIEW,
}
