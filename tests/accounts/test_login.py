"""Chinese sign-in, lockout after 5 failures per user name and IP (web and API), all of it audited."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from tests.accounts.conftest import LOGIN_URL, last_code, sign_in, sign_in_applicant
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_login_page_is_chinese(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    assert "注册" in page


@pytest.mark.parametrize("role", ["reviewer", "auditor", "security", "applicant_person", "applicant_enterprise"])
def test_each_role_signs_in_and_out(client, role):
    user = make_user(role)
    response = sign_in_applicant(client, user) if role.startswith("applicant") else sign_in(client, user.username)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/accounts/me/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.login", actor=user).exists()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/me/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.logout", actor=user).exists()


def test_wrong_password_shows_a_chinese_error_and_is_audited(client):
    user = make_user("reviewer")
    response = sign_in(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()  # Django's own Chinese message
    event = AuditEvent.objects.get(event_type="auth.login_failed")
    assert event.object_id == user.username
    assert event.outcome == "failure"
    assert event.source_ip == "127.0.0.1"


def _fail(client, username, times, **extra):
    return [sign_in(client, username, "wrong-password", **extra) for _ in range(times)]


def test_five_failures_lock_user_and_ip_for_thirty_minutes(client):
    user = make_user("approver")
    responses = _fail(client, user.username, 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    locked = responses[4]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "锁定" in page
    retry_at = timezone.localtime(timezone.now() + datetime.timedelta(minutes=30))
    assert retry_at.strftime("%Y-%m-%d") in page  # says when to try again

    # The right password is refused from the same address while locked...
    assert sign_in(client, user.username).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the same account from another address is not locked.
    assert sign_in(client, user.username, REMOTE_ADDR="10.9.8.7").status_code == 302

    lockouts = AuditEvent.objects.filter(event_type="auth.lockout", object_id=user.username)
    assert lockouts.exists()
    assert lockouts.first().source_ip == "127.0.0.1"
    assert AuditEvent.objects.filter(event_type="auth.login_failed", object_id=user.username).count() >= 6


def test_lock_ends_after_the_cool_off(client):
    user = make_user("finance")
    _fail(client, user.username, 5)
    assert sign_in(client, user.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert sign_in(client, user.username).status_code == 302


def test_four_failures_then_success_resets_the_count(client):
    user = make_user("intake")
    _fail(client, user.username, 4)
    assert sign_in(client, user.username).status_code == 302
    client.post("/accounts/logout/")
    assert [r.status_code for r in _fail(client, user.username, 4)] == [200] * 4


def test_disabled_account_cannot_sign_in(client):
    user = make_user("reviewer", is_active=False)
    assert sign_in(client, user.username).status_code == 200
    assert "_auth_user_id" not in client.session


# --- the API token endpoint ------------------------------------------------------------------------------------


def _token(client, username, password=PASSWORD, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json",
                       **extra)


def test_api_token_for_an_applicant_needs_the_texted_code(client, sms_outbox, django_capture_on_commit_callbacks):
    user = make_user("applicant_person", phone="13700009999")
    with django_capture_on_commit_callbacks(execute=True):
        first = _token(client, user.username)
    assert first.status_code == 403 and first.json()["error"]["code"] == "sms_code_sent"
    assert "验证码" in first.json()["error"]["message"] and len(sms_outbox) == 1
    wrong = client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD, "sms_code": "000000"},
                        content_type="application/json")
    assert wrong.status_code == 403 and "token" not in wrong.json()
    response = client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD,
                                       "sms_code": last_code(sms_outbox)}, content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuditEvent.objects.filter(event_type="auth.token_issued", actor=user).exists()
    me = client.get("/accounts/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 302  # a token is for the API, not the pages


def test_api_token_wrong_password_is_a_400_in_the_error_shape(client):
    user = make_user("applicant_person")
    response = _token(client, user.username, "nope")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_credentials"
    assert "密码" in body["error"]["message"]
    assert AuditEvent.objects.filter(event_type="auth.login_failed", object_id=user.username).exists()


def test_api_token_missing_fields_is_a_400(client):
    response = client.post(TOKEN_URL, {"username": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]


def test_api_token_endpoint_locks_out_like_the_login_page(client):
    user = make_user("reviewer")
    responses = [_token(client, user.username, "wrong") for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [400] * 4
    assert responses[4].status_code == 429
    locked = _token(client, user.username)
    assert locked.status_code == 429
    body = locked.json()
    assert body["error"]["code"] == "locked_out"
    assert "锁定" in body["error"]["message"]
    assert 0 < int(locked["Retry-After"]) <= 30 * 60
    # The same user name and address are locked on the web page too, and another address is not.
    assert sign_in(client, user.username).status_code == 429
    assert _token(client, user.username, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.lockout", object_id=user.username).exists()


def test_api_token_refuses_disabled_account(client):
    user = make_user("applicant_person", is_active=False)
    assert _token(client, user.username).status_code == 400
