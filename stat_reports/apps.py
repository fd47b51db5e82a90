from django.apps import AppConfig


class StatReportsConfig(AppConfig):
    name = "stat_reports"
