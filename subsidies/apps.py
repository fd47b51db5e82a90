from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"

    def ready(self):
        from guangyuan_jobs.casework.kinds import register_kind
        from subsidies.kinds import SUBSIDY_KINDS

        for kind in SUBSIDY_KINDS:
            register_kind(kind)
