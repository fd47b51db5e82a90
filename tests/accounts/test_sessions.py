"""Idle and absolute session limits, disabled accounts, staff password rotation."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from guangyuan_jobs.accounts.signals import SESSION_STARTED_KEY
from guangyuan_jobs.audit.models import AuditEvent
from tests.accounts.conftest import sign_in, sign_in_applicant
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ME = "/accounts/me/"
PASSWORD_CHANGE = "/accounts/me/password/"


def _set_session_start(client, when):
    session = client.session
    session[SESSION_STARTED_KEY] = when.isoformat()
    session.save()


def test_session_ends_after_the_absolute_limit_however_active(client, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    user = make_user("reviewer")
    sign_in(client, user.username)
    _set_session_start(client, timezone.now() - datetime.timedelta(hours=11, minutes=59))
    assert client.get(ME).status_code == 200
    _set_session_start(client, timezone.now() - datetime.timedelta(hours=12, minutes=1))
    response = client.get(ME)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type="auth.session_expired", actor=user).exists()
    assert "会话已到期" in client.get(response.url).content.decode()


def test_idle_session_expires(client):
    user = make_user("reviewer")
    sign_in(client, user.username)
    assert client.get(ME).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(ME).status_code == 302


def test_disabling_an_account_ends_its_sessions(client):
    user = make_user("approver")
    sign_in(client, user.username)
    assert client.get(ME).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(ME)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_disabled_applicant_token_stops_working(client, settings):
    settings.APPLICANT_SMS_LOGIN = False  # the texted code is tested with the token endpoint itself
    user = make_user("applicant_person")
    token = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                        content_type="application/json").json()["token"]
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code in (401, 403)


def test_staff_with_an_old_password_must_change_it(client, settings):
    settings.STAFF_PASSWORD_MAX_AGE_DAYS = 90
    user = make_user("reviewer")
    user.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    sign_in(client, user.username)
    response = client.get(ME)
    assert response.status_code == 302
    assert response.url == PASSWORD_CHANGE
    page = client.get(PASSWORD_CHANGE)
    assert page.status_code == 200
    assert "90 天" in page.content.decode()
    assert client.get("/api/schema/").json()["error"]["code"] == "password_expired"

    same = client.post(PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORD,
                                         "new_password2": PASSWORD})
    assert same.status_code == 200
    assert "不能与当前密码相同" in same.content.decode()

    new_password = "Guangyuan-Rotated-2027"
    changed = client.post(PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": new_password,
                                            "new_password2": new_password})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert timezone.now() - user.password_changed_at < datetime.timedelta(minutes=1)
    assert client.get(ME).status_code == 200  # still signed in, gate passed
    assert AuditEvent.objects.filter(event_type="accounts.password_changed", actor=user).exists()


def test_applicants_have_no_rotation(client, settings):
    user = make_user("applicant_person")
    user.password_changed_at = timezone.now() - datetime.timedelta(days=400)
    user.save(update_fields=["password_changed_at"])
    sign_in_applicant(client, user)
    assert client.get(ME).status_code == 200


def test_new_accounts_start_their_password_age_now():
    user = make_user("reviewer")
    assert timezone.now() - user.password_changed_at < datetime.timedelta(minutes=1)


def test_staff_password_needs_twelve_characters(client):
    user = make_user("reviewer")
    sign_in(client, user.username)
    short = "Gy-Short-11"  # 11 characters
    response = client.post(PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": short,
                                             "new_password2": short})
    assert response.status_code == 200
    assert "至少需要 12 个字符" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_applicant_password_needs_eight_characters(client):
    user = make_user("applicant_person")
    sign_in_applicant(client, user)
    ok = "Gy-Ok-987"  # 9 characters: enough for an applicant
    response = client.post(PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": ok, "new_password2": ok})
    assert response.status_code == 302
