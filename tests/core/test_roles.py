import pytest
from django.contrib.auth.models import Group

from guangyuan_jobs.accounts.roles import all_roles


@pytest.mark.django_db
def test_every_role_is_a_group_holding_exactly_its_permissions():
    for role in all_roles():
        group = Group.objects.get(name=role.code)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(role.permissions), role.code


def test_separation_of_duties_auditor_security_and_admin_share_no_power():
    by_code = {r.code: set(r.permissions) for r in all_roles()}
    writes = ("approve", "pay", "change", "add", "manage", "accept", "review")
    assert not any(p.split(".")[1].startswith(writes) for p in by_code["auditor"])
    assert "audit.view_auditevent" not in by_code["admin"]
    assert "accounts.manage_security" not in by_code["admin"]
    assert "accounts.manage_users" not in by_code["security"]
