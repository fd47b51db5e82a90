"""The permissions backend reads a user's permissions in one query and gives exactly Django's answer, on pages
and in the API (an inactive user's token is refused with DRF's message: session authentication comes first,
so the answer is 403, without a WWW-Authenticate challenge)."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guangyuan_jobs.accounts.backends import ModelBackendOneQuery
from guangyuan_jobs.accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache yet


def test_a_user_gets_their_groups_and_their_own_permissions_in_one_query(django_assert_num_queries):
    clerk = make_user("intake")
    extra = Permission.objects.get(codename="export_report")
    clerk.user_permissions.add(extra)
    user = fresh(clerk)
    with django_assert_num_queries(1):
        ours = ModelBackendOneQuery().get_all_permissions(user)
    assert ours == ModelBackend().get_all_permissions(fresh(clerk))
    assert "reports.export_report" in ours and "casework.accept_case" in ours
    assert "casework.approve_case" not in ours  # another role's


def test_a_superuser_has_every_permission_and_an_inactive_user_none():
    boss = make_user("manager", is_superuser=True)
    assert ModelBackendOneQuery().get_all_permissions(fresh(boss)) == ModelBackend().get_all_permissions(fresh(boss))
    assert len(ModelBackendOneQuery().get_all_permissions(fresh(boss))) == Permission.objects.count()
    gone = make_user("approver", is_active=False)
    assert ModelBackendOneQuery().get_all_permissions(fresh(gone)) == set()
    assert not fresh(gone).has_perm("casework.approve_case")


def test_a_permission_withdrawn_from_a_role_is_gone_on_the_next_request():
    approver = make_user("approver")
    assert fresh(approver).has_perm("casework.approve_case")
    approver.groups.first().permissions.remove(Permission.objects.get(codename="approve_case"))
    assert not fresh(approver).has_perm("casework.approve_case")


def test_an_inactive_user_or_an_unknown_token_is_refused_as_drf_refuses_them():
    applicant = make_user("applicant_person")
    token = Token.objects.create(user=applicant)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/subsidies/claims/").status_code == 200
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    refused = client.get("/api/v1/subsidies/claims/")
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "用户未激活或者已删除。"
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    unknown = client.get("/api/v1/subsidies/claims/")
    assert unknown.status_code == 403 and "令牌" in unknown.json()["error"]["message"]
