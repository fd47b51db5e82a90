from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "guangyuan_jobs.reports"
    label = "reports"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its reports in `exports.py` (DESIGN.md); importing the module registers them.
        autodiscover_modules("exports")
