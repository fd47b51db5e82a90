from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Dashboard"), "monitoring:dashboard", "bi-speedometer2", "monitoring.view_dashboard", applicant=False),
    NavItem(_("Monitored enterprises"), "monitoring:enterprise_list", "bi-activity",
            "monitoring.view_monitoredenterprise", applicant=False),
    NavItem(_("Warnings"), "monitoring:warning_list", "bi-exclamation-triangle", "monitoring.view_warning",
            applicant=False),
    NavItem(_("Late returns"), "monitoring:late_list", "bi-alarm", "monitoring.manage_monitoring", applicant=False),
    NavItem(_("Monthly employment return"), "monitoring:return_new", "bi-clipboard-data", "monitoring.file_return",
            applicant=True, user_kind="enterprise"),
)
