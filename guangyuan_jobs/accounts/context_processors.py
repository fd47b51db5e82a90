"""The navigation a user sees follows their permissions, so each role sees its own menu."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str | None  # None: every signed-in user
    applicant: bool | None = None  # True: applicants only; False: staff only; None: both


NAV_ITEMS = (
    NavItem(_("My claims"), "casework:inbox", "bi-folder2-open", None, applicant=True),
    NavItem(_("Inbox"), "casework:inbox", "bi-inbox", "casework.view_case", applicant=False),
    NavItem(_("Batch jobs"), "casework:batch_list", "bi-collection", "casework.batch_case", applicant=False),
    NavItem(_("Exports"), "reports:export_list", "bi-file-earmark-spreadsheet", "reports.export_report"),
    NavItem(_("Audit trail"), "audit:event_list", "bi-journal-text", "audit.view_auditevent"),
    NavItem(_("Account security"), "accounts:lockout_list", "bi-shield-lock", "accounts.manage_security"),
    NavItem(_("Policy parameters"), "policy:parameter_list", "bi-sliders", "policy.view_policyparameter"),
    NavItem(_("Administration"), "admin:index", "bi-gear", "accounts.manage_users"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    seen = set()
    for item in NAV_ITEMS:
        if item.applicant is not None and item.applicant != user.is_applicant:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.url_name in seen:
            continue
        seen.add(item.url_name)
        items.append({"label": item.label, "url": reverse(item.url_name), "icon": item.icon,
                      "active": request.path.startswith(reverse(item.url_name))})
    return {"nav_items": items}
