from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "guangyuan_jobs.notices"
