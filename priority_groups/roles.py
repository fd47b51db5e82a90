"""The priority-groups caseworker role, and the views of the caseload the kernel roles need."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

ROLES = (
    Role("group_caseworker", _("Priority-group caseworker (重点群体经办)"),
         ("priority_groups.view_caseload", "priority_groups.manage_caseload", "priority_groups.import_roster",
          "registry.view_person", "registry.add_person", "registry.view_enterprise", "reports.export_report")),
)

GRANTS = {
    "entry": ("priority_groups.view_caseload", "priority_groups.import_roster"),
    "manager": ("priority_groups.view_caseload",),
    "auditor": ("priority_groups.view_caseload",),
    "admin": ("priority_groups.view_groupcode", "priority_groups.add_groupcode", "priority_groups.change_groupcode"),
}
