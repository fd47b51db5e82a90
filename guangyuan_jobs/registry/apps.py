from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "guangyuan_jobs.registry"
    label = "registry"
