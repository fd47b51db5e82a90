"""Roles are groups; each role holds named permissions. The kernel map below plus each business app's
`roles.py` (its own `ROLES`, and `GRANTS` adding its permissions to kernel roles) are the single source of
truth, synchronised into the database after every migrate."""

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.discovery import app_modules


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...]  # "app_label.codename"
    is_staff_role: bool = True
    admin_site: bool = False  # works in the Django admin (sets User.is_staff)


KERNEL_ROLES: tuple[Role, ...] = (
    Role("applicant_person", _("Person applicant"), ("casework.file_case",), is_staff_role=False),
    Role("applicant_enterprise", _("Enterprise applicant"), ("casework.file_case",), is_staff_role=False),
    Role("intake", _("Intake clerk (受理接件)"),
         ("casework.view_case", "casework.accept_case", "casework.file_case_for_other",
          "registry.view_person", "registry.add_person", "registry.view_enterprise")),
    Role("policy", _("Policy officer (政策宣讲)"), ("casework.view_case", "policy.view_policyparameter",
                                                 "subsidies.add_briefingsession", "subsidies.view_briefingsession",
                                                 "subsidies.add_policypush", "subsidies.view_policypush")),
    Role("archive", _("Archive clerk (档案查询)"),
         ("casework.view_case", "registry.view_person", "registry.view_enterprise", "registry.reveal_identity")),
    Role("entry", _("Data-entry clerk (系统录入)"),
         ("casework.view_case", "casework.file_case_for_other", "registry.view_person", "registry.add_person",
          "registry.change_person", "registry.view_enterprise", "registry.add_enterprise",
          "registry.change_enterprise", "subsidies.add_rosterimport", "subsidies.view_rosterimport")),
    Role("reviewer", _("Reviewer (审核)"), ("casework.view_case", "casework.review_case", "casework.batch_case",
                                          "registry.view_person", "registry.view_enterprise",
                                          "subsidies.view_rosterimport", "subsidies.change_objection")),
    Role("approver", _("Approver (审批)"), ("casework.view_case", "casework.approve_case", "casework.publicize_case",
                                          "casework.batch_case", "registry.view_person",
                                          "registry.view_enterprise")),
    Role("finance", _("Finance / payer (发放)"), ("casework.view_case", "casework.pay_case",
                                               "registry.view_person", "registry.view_enterprise",
                                               "registry.reveal_identity", "reports.export_report",
                                               "reports.export_full_values",
                                               "subsidies.manage_paymentbatch")),
    Role("manager", _("Manager"), ("casework.view_case", "monitoring.view_dashboard", "reports.export_report",
                                   "registry.view_person", "registry.view_enterprise")),
    Role("auditor", _("Auditor"), ("casework.view_case", "audit.view_auditevent", "reports.export_report",
                                   "registry.view_person", "registry.view_enterprise",
                                   "policy.view_policyparameter", "monitoring.view_dashboard")),
    Role("security", _("Security administrator"), ("accounts.manage_security", "audit.view_auditevent")),
    Role("admin", _("System administrator"),
         ("accounts.manage_users", "accounts.view_user", "accounts.add_user", "accounts.change_user",
          "policy.view_policyparameter", "policy.add_policyparameter", "policy.change_policyparameter",
          "policy.view_policydocument", "policy.add_policydocument", "policy.change_policydocument",
          "policy.view_calendaryear", "policy.add_calendaryear", "policy.view_calendarday",
          "policy.add_calendarday", "policy.change_calendarday", "registry.view_region",
          "registry.add_region", "registry.change_region"), admin_site=True),
)



def _app_role_modules():
    return (module for module in app_modules("roles") if module.__name__ != __name__)


@cache
def all_roles() -> tuple[Role, ...]:
    """Every role: the kernel's, widened by the apps' GRANTS, then the apps' own ROLES."""
    grants: dict[str, list[str]] = defaultdict(list)
    app_roles: list[Role] = []
    for module in _app_role_modules():
        app_roles.extend(getattr(module, "ROLES", ()))
        for code, permissions in getattr(module, "GRANTS", {}).items():
            grants[code].extend(permissions)
    roles = (*KERNEL_ROLES, *app_roles)
    unknown = set(grants) - {role.code for role in roles}
    if unknown:
        raise LookupError(f"GRANTS name unknown roles: {sorted(unknown)}")
    return tuple(replace(role, permissions=tuple(dict.fromkeys(role.permissions + tuple(grants[role.code]))))
                 for role in roles)


def role_by_code(code: str) -> Role | None:
    return {role.code: role for role in all_roles()}.get(code)
