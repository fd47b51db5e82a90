from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "guangyuan_jobs.imports"
    label = "imports"
