from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "guangyuan_jobs.accounts"
    label = "accounts"
