"""Monitoring's role and the permissions it adds to the kernel's roles."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

VIEW = ("monitoring.view_monitoredenterprise", "monitoring.view_monthlyreturn", "monitoring.view_warning")

ROLES = (
    Role("monitoring", _("Unemployment monitoring clerk (失业动态监测)"),
         (*VIEW, "monitoring.manage_monitoring", "registry.view_enterprise", "registry.add_enterprise")),
)

GRANTS = {
    "applicant_enterprise": ("monitoring.file_return",),
    "manager": (*VIEW, "monitoring.handle_warning"),
    "auditor": VIEW,
    "admin": ("monitoring.view_warningrule", "monitoring.add_warningrule", "monitoring.change_warningrule"),
}
