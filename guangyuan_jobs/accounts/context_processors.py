"""The navigation a user sees follows their permissions, so each role sees its own menu. Business apps add
their pages in their own `navigation.py` (a `NAV_ITEMS` tuple), shown between the kernel's work pages and
its administration pages."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.discovery import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str | None  # None: every signed-in user
    applicant: bool | None = None  # True: applicants only; False: staff only; None: both
    user_kind: str | None = None  # only this kind of account (e.g. enterprise applicants)


KERNEL_NAV_HEAD = (
    NavItem(_("My claims"), "casework:inbox", "bi-folder2-open", None, applicant=True),
    NavItem(_("Apply for a subsidy"), "subsidies:claim_new", "bi-plus-circle", "casework.file_case", applicant=True),
    NavItem(_("File for a walk-in applicant"), "subsidies:claim_new", "bi-person-plus", "casework.file_case_for_other",
            applicant=False),
    NavItem(_("Inbox"), "casework:inbox", "bi-inbox", "casework.view_case", applicant=False),
    NavItem(_("Batch jobs"), "casework:batch_list", "bi-collection", "casework.batch_case", applicant=False),
    NavItem(_("Payment batches"), "subsidies:batch_list", "bi-bank", "subsidies.manage_paymentbatch", applicant=False),
    NavItem(_("Exports"), "reports:export_list", "bi-file-earmark-spreadsheet", "reports.export_report"),
    NavItem(_("Audit trail"), "audit:event_list", "bi-journal-text", "audit.view_auditevent"),
    NavItem(_("Account security"), "accounts:lockout_list", "bi-shield-lock", "accounts.manage_security"),
    NavItem(_("People"), "registry:person_list", "bi-people", "registry.view_person", applicant=False),
    NavItem(_("Enterprises"), "registry:enterprise_list", "bi-building", "registry.view_enterprise", applicant=False),
    NavItem(_("Refunds to confirm"), "subsidies:refund_list", "bi-cash-coin", None, user_kind="enterprise"),
    NavItem(_("Roster imports"), "subsidies:roster_list", "bi-file-earmark-arrow-up", "subsidies.view_rosterimport",
            applicant=False),
    NavItem(_("Publish a notice"), "subsidies:notice_publish", "bi-broadcast", "casework.publicize_case",
            applicant=False),
    NavItem(_("Objections"), "subsidies:objection_list", "bi-exclamation-octagon", "subsidies.change_objection",
            applicant=False),
    NavItem(_("Public notices"), "subsidies:notice_public_list", "bi-card-list", None),
    NavItem(_("Service guides"), "subsidies:guide_list", "bi-signpost", None),
    NavItem(_("Briefing sessions"), "subsidies:briefing_list", "bi-megaphone", "subsidies.view_briefingsession",
            applicant=False),
    NavItem(_("Policy pushes"), "subsidies:push_list", "bi-send", "subsidies.view_policypush", applicant=False),
)

KERNEL_NAV_TAIL = (
    NavItem(_("Policy parameters"), "policy:parameter_list", "bi-sliders", "policy.view_policyparameter"),
    NavItem(_("System administration"), "admin:index", "bi-gear", "accounts.manage_users"),
    NavItem(_("My account"), "accounts:profile", "bi-person-badge", None),
)


@cache
def all_nav_items() -> tuple[NavItem, ...]:
    app_items = [item for module in app_modules("navigation") for item in module.NAV_ITEMS]
    return (*KERNEL_NAV_HEAD, *app_items, *KERNEL_NAV_TAIL)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if user.is_staff_member and settings.REQUIRE_STAFF_OTP and not user.is_verified():
        return {"nav_items": []}  # nothing to offer until the second factor is passed
    items = []
    seen = set()
    for item in all_nav_items():
        if item.applicant is not None and item.applicant != user.is_applicant:
            continue
        if item.user_kind is not None and item.user_kind != user.kind:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.url_name in seen:
            continue
        seen.add(item.url_name)
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # A page whose app is not installed yet must not break every page; a test checks they all exist.
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": request.path.startswith(url)})
    return {"nav_items": items}
