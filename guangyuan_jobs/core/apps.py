from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "guangyuan_jobs.core"
    label = "core"
    verbose_name = "Core"
