from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupParksConfig(AppConfig):
    name = "startup_parks"
    verbose_name = _("Entrepreneurship parks")
