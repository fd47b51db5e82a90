"""Every write to accounts: roles, staff creation, registration."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from guangyuan_jobs.accounts.roles import ROLES


@transaction.atomic
def roles_sync(*, using: str = "default") -> None:
    """Make each role's group hold exactly the permissions of ROLES (idempotent)."""
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role.code)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
