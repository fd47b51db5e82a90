from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Priority groups"), "priority_groups:person_list", "bi-people", "priority_groups.view_caseload",
            applicant=False),
    NavItem(_("My follow-ups"), "priority_groups:follow_up_list", "bi-telephone-outbound",
            "priority_groups.manage_caseload", applicant=False),
    NavItem(_("Group reports"), "priority_groups:report", "bi-bar-chart", "priority_groups.view_caseload",
            applicant=False),
)
