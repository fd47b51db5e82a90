from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Entrepreneurship parks"), "startup_parks:park_list", "bi-buildings", "startup_parks.view_park",
            applicant=False),
    NavItem(_("Parks due for re-evaluation"), "startup_parks:due_list", "bi-calendar-check",
            "startup_parks.view_park", applicant=False),
    NavItem(_("My parks"), "startup_parks:park_list", "bi-buildings", None, applicant=True, user_kind="enterprise"),
)
