"""Roles of the entrepreneurship app: a cooperating bank's loan officer and the guarantee fund's officer,
and the loan permissions the kernel roles gain. A bank officer also needs a BankStaff row naming their bank:
without it they see no loan at all."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

ROLES = (
    Role("bank", _("Cooperating bank loan officer (合作银行)"),
         ("entrepreneurship.view_loan", "entrepreneurship.bank_loan", "entrepreneurship.upload_subsidy_file",
          "entrepreneurship.view_subsidyupload", "entrepreneurship.add_creditline",
          "entrepreneurship.view_creditline")),
    Role("guarantee", _("Guarantee fund officer (担保基金)"),
         ("entrepreneurship.view_loan", "entrepreneurship.guarantee_loan", "entrepreneurship.view_creditline",
          "casework.view_case",
          "registry.view_person", "registry.view_enterprise", "reports.export_report")),
)

GRANTS = {
    "intake": ("entrepreneurship.view_loan",),
    "entry": ("entrepreneurship.view_loan", "entrepreneurship.claim_subsidy", "entrepreneurship.view_subsidyupload"),
    "reviewer": ("entrepreneurship.view_loan", "entrepreneurship.view_subsidyupload"),
    "approver": ("entrepreneurship.view_loan", "entrepreneurship.view_subsidyupload"),
    "finance": ("entrepreneurship.view_loan", "entrepreneurship.view_subsidyupload"),
    "manager": ("entrepreneurship.view_loan", "entrepreneurship.view_creditline",
                "entrepreneurship.view_cityloanfigure", "entrepreneurship.add_cityloanfigure"),
    "policy": ("entrepreneurship.view_cityloanfigure", "entrepreneurship.add_cityloanfigure"),
    "auditor": ("entrepreneurship.view_loan", "entrepreneurship.view_subsidyupload"),
}
