from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "guangyuan_jobs.policy"
    label = "policy"
