from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Statistical forms"), "stat_reports:form", "bi-table", "stat_reports.view_statforms", applicant=False),
)
