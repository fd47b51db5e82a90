"""Security administration: lockouts, second-factor resets, staff creation and role changes, all audited."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import staff_create
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ForbiddenError
from tests.accounts.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOCKOUTS = "/accounts/security/lockouts/"
UNLOCK = "/accounts/security/lockouts/unlock/"
USERS = "/accounts/security/users/"
STRONG = "Lizhou-District-2026"


def _lock(client, username):
    for _ in range(5):
        sign_in(client, username, "wrong-password")


@pytest.fixture
def security_client(client):
    client.force_login(make_user("security", username="sec1"))
    return client


def test_security_admin_sees_lockouts_and_unlocks(security_client, django_user_model):
    from django.test import Client

    victim = make_user("reviewer", username="locked_reviewer")
    other = Client()
    _lock(other, victim.username)
    assert sign_in(other, victim.username).status_code == 429

    page = security_client.get(LOCKOUTS, {"username": "locked_", "locked": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "locked_reviewer" in text and "锁定至" in text

    response = security_client.post(UNLOCK, {"username": victim.username, "ip_address": "127.0.0.1"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=victim.username).exists()
    event = AuditEvent.objects.get(event_type="accounts.lockout_reset")
    assert event.actor.username == "sec1" and event.object_id == victim.username
    assert sign_in(other, victim.username).status_code == 302


def test_lockout_list_filters_and_pages(security_client):
    from django.test import Client

    for n in range(30):
        sign_in(Client(), f"nobody{n:02d}", "wrong")
    first = security_client.get(LOCKOUTS).content.decode()
    assert first.count("<td>nobody") == 25
    assert "page=2" in first
    assert security_client.get(LOCKOUTS, {"page": 2}).content.decode().count("<td>nobody") == 5
    only = security_client.get(LOCKOUTS, {"username": "nobody07"}).content.decode()
    assert "nobody07" in only and "nobody08" not in only


@pytest.mark.parametrize("role", ["admin", "auditor", "reviewer", "applicant_person"])
def test_others_may_not_see_or_unlock(client, role):
    victim = make_user("reviewer")
    _lock(client, victim.username)
    client.force_login(make_user(role))
    assert client.get(LOCKOUTS).status_code == 403
    assert client.get(USERS).status_code == 403
    assert client.post(UNLOCK, {"username": victim.username}).status_code == 403
    assert AccessAttempt.objects.filter(username=victim.username).exists()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(LOCKOUTS).status_code == 302


def test_reset_second_factor(security_client):
    staff = make_user("approver", username="lost_phone")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    page = security_client.get(USERS, {"username": "lost_"}).content.decode()
    assert "lost_phone" in page and "已绑定" in page
    response = security_client.post(f"/accounts/security/users/{staff.pk}/reset-otp/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    event = AuditEvent.objects.get(event_type="accounts.otp_reset")
    assert event.actor.username == "sec1" and event.object_id == str(staff.pk)


def test_security_admin_cannot_reset_their_own_second_factor(security_client):
    me = User.objects.get(username="sec1")
    TOTPDevice.objects.create(user=me, name="phone", confirmed=True)
    security_client.post(f"/accounts/security/users/{me.pk}/reset-otp/")
    assert TOTPDevice.objects.filter(user=me).exists()


def test_others_may_not_reset_second_factors(client):
    staff = make_user("approver")
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(make_user("admin"))
    assert client.post(f"/accounts/security/users/{staff.pk}/reset-otp/").status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()


# --- staff_create ---------------------------------------------------------------------------------------------


def test_staff_create_makes_an_audited_staff_account():
    admin = make_user("admin")
    user = staff_create(username="lizhou_reviewer", display_name="利州审核", roles=["reviewer", "approver"],
                        scope=User.Scope.DISTRICT, scope_region="510802", actor=admin, password=STRONG)
    assert user.kind == User.Kind.STAFF and user.scope_region_id == "510802"
    assert set(user.groups.values_list("name", flat=True)) == {"reviewer", "approver"}
    assert user.check_password(STRONG) and user.password_changed_at is not None
    assert not user.is_staff  # no admin-site role
    assert AuditEvent.objects.filter(event_type="accounts.staff_created", actor=admin).exists()
    roles_event = AuditEvent.objects.get(event_type="accounts.roles_changed", object_id=str(user.pk))
    assert roles_event.actor == admin
    assert roles_event.details["items"] == ["approver", "reviewer"]


def test_staff_create_admin_role_opens_the_admin_site():
    user = staff_create(username="sysadmin", display_name="系统管理员", roles=["admin"],
                        scope=User.Scope.WHOLE_CITY, actor=None, password=STRONG)
    assert user.is_staff and user.scope_region is None


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"scope": User.Scope.DISTRICT, "scope_region": None}, "scope_region"),
    ({"scope": User.Scope.DISTRICT, "scope_region": "510800"}, "scope_region"),  # the city is not a district
    ({"scope": User.Scope.NONE}, "scope"),
    ({"password": "Short-11chr"}, "password"),
    ({"roles": ["security", "auditor"]}, "roles"),
    ({"roles": ["applicant_person"]}, "roles"),
    ({"roles": []}, "roles"),
    ({"username": "taken"}, "username"),
])
def test_staff_create_refusals(kwargs, field):
    make_user("reviewer", username="taken")
    args = {"username": "new_staff", "display_name": "新人", "roles": ["reviewer"],
            "scope": User.Scope.WHOLE_CITY, "scope_region": None, "actor": None, "password": STRONG}
    args.update(kwargs)
    before = User.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        staff_create(**args)
    assert field in excinfo.value.message_dict
    assert User.objects.count() == before


def test_staff_create_needs_manage_users():
    with pytest.raises(ForbiddenError):
        staff_create(username="x1", display_name="x", roles=["reviewer"], scope=User.Scope.WHOLE_CITY,
                     actor=make_user("security"), password=STRONG)


# --- Django admin ---------------------------------------------------------------------------------------------


def test_role_change_in_the_admin_is_audited_with_its_actor(client):
    admin = staff_create(username="sysadmin", display_name="系统管理员", roles=["admin"],
                         scope=User.Scope.WHOLE_CITY, actor=None, password=STRONG)
    target = make_user("reviewer", username="clerk7")
    client.force_login(admin)
    url = f"/admin/accounts/user/{target.pk}/change/"
    assert client.get(url).status_code == 200
    from django.contrib.auth.models import Group

    data = {"username": "clerk7", "display_name": "经办七", "kind": "staff", "phone": "", "email": "",
            "is_active": "on", "groups": [Group.objects.get(name="approver").pk], "scope": "whole_city",
            "scope_region": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(target.groups.values_list("name", flat=True)) == ["approver"]
    changes = AuditEvent.objects.filter(event_type="accounts.roles_changed", object_id=str(target.pk), actor=admin)
    assert {e.details["action"] for e in changes} == {"add", "remove"}
    assert AuditEvent.objects.filter(event_type="accounts.user_changed", actor=admin).exists()


def test_admin_refuses_conflicting_roles_and_self_promotion(client):
    admin = staff_create(username="sysadmin", display_name="系统管理员", roles=["admin"],
                         scope=User.Scope.WHOLE_CITY, actor=None, password=STRONG)
    target = make_user("reviewer", username="clerk8")
    client.force_login(admin)
    from django.contrib.auth.models import Group

    data = {"username": "clerk8", "display_name": "x", "kind": "staff", "is_active": "on", "scope": "district",
            "scope_region": "", "groups": [Group.objects.get(name="security").pk, Group.objects.get(name="auditor").pk]}
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 200
    assert list(target.groups.values_list("name", flat=True)) == ["reviewer"]

    own = {"username": "sysadmin", "display_name": "x", "kind": "staff", "is_active": "on", "scope": "whole_city",
           "groups": [Group.objects.get(name="auditor").pk]}
    client.post(f"/admin/accounts/user/{admin.pk}/change/", own)
    assert list(admin.groups.values_list("name", flat=True)) == ["admin"]
