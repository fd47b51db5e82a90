from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupEventsConfig(AppConfig):
    name = "startup_events"
    verbose_name = _("Entrepreneurship events")
