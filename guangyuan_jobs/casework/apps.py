from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "guangyuan_jobs.casework"
    label = "casework"
