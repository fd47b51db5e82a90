import pytest


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_every_role_group_exists_after_migrate():
    from django.contrib.auth.models import Group

    from guangyuan_jobs.accounts.roles import ROLES

    assert set(Group.objects.values_list("name", flat=True)) >= {r.code for r in ROLES}
