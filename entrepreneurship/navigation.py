from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Guaranteed loans"), "entrepreneurship:loan_list", "bi-bank", "entrepreneurship.view_loan",
            applicant=False),
    NavItem(_("My loans"), "entrepreneurship:loan_list", "bi-bank", "casework.file_case", applicant=True),
    NavItem(_("Collective credit lines"), "entrepreneurship:credit_line_list", "bi-people",
            "entrepreneurship.view_creditline", applicant=False),
    NavItem(_("Quarterly interest files"), "entrepreneurship:upload_list", "bi-percent",
            "entrepreneurship.view_subsidyupload", applicant=False),
)
