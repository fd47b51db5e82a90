from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Guaranteed loans"), "entrepreneurship:loan_list", "bi-bank", "entrepreneurship.view_loan",
            applicant=False),
    NavItem(_("My loans"), "entrepreneurship:loan_list", "bi-bank", "casework.file_case", applicant=True),
    NavItem(_("Loan application at the counter"), "entrepreneurship:application_walk_in", "bi-person-plus",
            "casework.file_case_for_other", applicant=False),
    NavItem(_("Loans of the province's cities"), "entrepreneurship:city_figures", "bi-trophy",
            "entrepreneurship.view_cityloanfigure", applicant=False),
    NavItem(_("Collective credit lines"), "entrepreneurship:credit_line_list", "bi-people",
            "entrepreneurship.view_creditline", applicant=False),
    NavItem(_("Quarterly interest files"), "entrepreneurship:upload_list", "bi-percent",
            "entrepreneurship.view_subsidyupload", applicant=False),
)
