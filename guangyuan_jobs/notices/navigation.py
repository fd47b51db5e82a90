from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Messages"), "notices:inbox", "bi-envelope", None, applicant=True),
    NavItem(_("My notices"), "notices:notice_list", "bi-file-earmark-pdf", None, applicant=True),
    NavItem(_("Formal notices"), "notices:notice_list", "bi-file-earmark-pdf", "notices.view_notice", applicant=False),
    NavItem(_("Messages sent"), "notices:notification_list", "bi-chat-left-text", "notices.view_notification",
            applicant=False),
)
