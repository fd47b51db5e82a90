from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Entrepreneurship events"), "startup_events:event_list", "bi-calendar-event",
            "startup_events.view_event", applicant=False),
    NavItem(_("Entrepreneurship events"), "startup_events:event_list", "bi-calendar-event", None, applicant=True),
)
