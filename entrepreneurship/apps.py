from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntrepreneurshipConfig(AppConfig):
    name = "entrepreneurship"
    verbose_name = _("Entrepreneurship")

    def ready(self):
        from entrepreneurship.kinds import ALL_KINDS
        from guangyuan_jobs.casework.kinds import register_kind

        for kind in ALL_KINDS:
            register_kind(kind)
