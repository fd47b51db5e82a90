from django.apps import AppConfig


class LoadServerConfig(AppConfig):
    name = "bench.loadserver"
    label = "bench_loadserver"
    default_auto_field = "django.db.models.BigAutoField"
