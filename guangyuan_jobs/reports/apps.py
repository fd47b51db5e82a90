from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "guangyuan_jobs.reports"
    label = "reports"
