from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "guangyuan_jobs.audit"
    label = "audit"
