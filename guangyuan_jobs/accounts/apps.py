from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "guangyuan_jobs.accounts"
    label = "accounts"

    def ready(self):
        from guangyuan_jobs.accounts import signals  # noqa: F401 - connects login/lockout audit receivers
        from guangyuan_jobs.accounts.services import roles_sync

        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="accounts_roles_sync")
        self._roles_sync = roles_sync


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions of every app must exist before the roles can point at them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sender._roles_sync(using=using)
