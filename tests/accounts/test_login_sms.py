"""Applicants sign in with their password and then a code texted to their phone (RELIABILITY.md): the code is
sent by the SMS gateway, rate-limited, expires, allows a few tries, works once, and every step is audited."""

import datetime
import logging

import pytest
from django.utils import timezone

from guangyuan_jobs.accounts.models import SmsCode
from guangyuan_jobs.audit.models import AuditEvent
from tests.accounts.conftest import LOGIN_URL, SMS_LOGIN_URL, last_code, sign_in, sign_in_applicant
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ME = "/accounts/me/"


@pytest.fixture
def applicant(db):
    return make_user("applicant_person", phone="13812345678")


@pytest.fixture
def password_step(client, applicant, sms_outbox, django_capture_on_commit_callbacks):
    """The applicant typed the right password: a code is on its way, nobody is signed in yet."""
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, applicant.username)
    assert response.status_code == 302 and response.url == SMS_LOGIN_URL
    return last_code(sms_outbox)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1000000:06d}"


def test_right_password_texts_a_code_and_signs_in_only_with_it(client, applicant, sms_outbox, password_step):
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == "13812345678"
    assert "_auth_user_id" not in client.session
    assert client.get(ME).status_code == 302  # not signed in before the code
    page = client.get(SMS_LOGIN_URL).content.decode()
    assert "138****5678" in page and "短信验证" in page
    response = client.post(SMS_LOGIN_URL, {"sms_code": password_step})
    assert response.status_code == 302 and response.url == "/"
    assert int(client.session["_auth_user_id"]) == applicant.pk
    assert client.get(ME).status_code == 200
    assert AuditEvent.objects.filter(event_type="accounts.sms_code_sent").exists()
    assert AuditEvent.objects.filter(event_type="accounts.login_sms_verified", actor=applicant).exists()
    assert AuditEvent.objects.filter(event_type="auth.login", actor=applicant).exists()
    assert SmsCode.objects.get(purpose=SmsCode.Purpose.LOGIN).used_at is not None


def test_the_next_page_asked_for_is_kept_through_the_code_step(client, applicant, sms_outbox,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{LOGIN_URL}?next=/accounts/me/", {"username": applicant.username, "password": PASSWORD,
                                                        "next": "/accounts/me/"})
    response = client.post(SMS_LOGIN_URL, {"sms_code": last_code(sms_outbox)})
    assert response.status_code == 302 and response.url == "/accounts/me/"


def test_a_wrong_code_is_refused_counted_and_audited(client, applicant, password_step):
    response = client.post(SMS_LOGIN_URL, {"sms_code": _wrong(password_step)})
    assert response.status_code == 400
    assert "短信验证码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SmsCode.objects.get().attempts == 1
    failed = AuditEvent.objects.get(event_type="accounts.login_sms_failed")
    assert failed.actor == applicant and failed.outcome == AuditEvent.Outcome.FAILURE


def test_tries_are_limited_even_the_right_code_fails_after_them(client, settings, password_step):
    settings.SMS_CODE_MAX_ATTEMPTS = 3
    for _ in range(3):
        client.post(SMS_LOGIN_URL, {"sms_code": _wrong(password_step)})
    response = client.post(SMS_LOGIN_URL, {"sms_code": password_step})
    assert response.status_code == 400 and "次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client, password_step):
    SmsCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(SMS_LOGIN_URL, {"sms_code": password_step})
    assert response.status_code == 400 and "已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(client, applicant, password_step, sms_outbox, django_capture_on_commit_callbacks):
    assert client.post(SMS_LOGIN_URL, {"sms_code": password_step}).status_code == 302
    client.post("/accounts/logout/")
    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))  # past the resend wait
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, applicant.username)
    assert client.post(SMS_LOGIN_URL, {"sms_code": password_step}).status_code == 400  # the old code
    assert client.post(SMS_LOGIN_URL, {"sms_code": last_code(sms_outbox)}).status_code == 302


def test_the_code_page_without_a_password_step_goes_back_to_the_login(client):
    response = client.get(SMS_LOGIN_URL)
    assert response.status_code == 302 and response.url == LOGIN_URL
    assert client.post(SMS_LOGIN_URL, {"sms_code": "123456"}).url == LOGIN_URL


def test_an_unfinished_sign_in_expires(client, password_step):
    session = client.session
    session["accounts_sms_login"]["until"] = 0
    session.save()
    response = client.post(SMS_LOGIN_URL, {"sms_code": password_step})
    assert response.status_code == 302 and response.url == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_resending_is_rate_limited(client, settings, sms_outbox, password_step, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(SMS_LOGIN_URL, {"resend": "1"}, follow=True).content.decode()
    assert len(sms_outbox) == 1 and "秒后再试" in page  # a code went out a moment ago
    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(SMS_LOGIN_URL, {"resend": "1"}, follow=True).content.decode()
    assert len(sms_outbox) == 2 and "138****5678" in page
    assert client.post(SMS_LOGIN_URL, {"sms_code": last_code(sms_outbox)}).status_code == 302


def test_an_applicant_without_a_phone_is_told_to_ask_the_service_centre(client):
    user = make_user("applicant_enterprise")
    response = sign_in(client, user.username)
    assert response.status_code == 200 and "没有登记手机号码" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type="accounts.login_sms_unavailable", actor=user).exists()


def test_staff_are_not_texted_a_code(client, sms_outbox):
    user = make_user("reviewer", phone="13812345679")
    assert sign_in(client, user.username).url == "/"
    assert sms_outbox == [] and not SmsCode.objects.exists()


def test_switched_off_applicants_sign_in_with_the_password_alone(client, settings, applicant, sms_outbox):
    settings.APPLICANT_SMS_LOGIN = False
    assert sign_in(client, applicant.username).url == "/"
    assert int(client.session["_auth_user_id"]) == applicant.pk and sms_outbox == []
    assert "短信验证码" not in client.get(LOGIN_URL).content.decode()


def test_demo_login_page_says_where_the_code_is(client, settings):
    settings.DEMO_MODE = True
    settings.SMS_GATEWAY = "guangyuan_jobs.accounts.sms.ConsoleSmsGateway"
    assert "服务器日志" in client.get(LOGIN_URL).content.decode()
    settings.DEMO_MODE = False
    assert "服务器日志" not in client.get(LOGIN_URL).content.decode()


def test_demo_console_gateway_prints_the_login_code_in_the_server_log(client, settings, applicant, caplog,
                                                                      django_capture_on_commit_callbacks):
    settings.DEMO_MODE = True
    settings.SMS_GATEWAY = "guangyuan_jobs.accounts.sms.ConsoleSmsGateway"
    with caplog.at_level(logging.INFO, logger="guangyuan_jobs.accounts.sms"), \
            django_capture_on_commit_callbacks(execute=True):
        sign_in(client, applicant.username)
    logged = caplog.text
    code = last_code([type("M", (), {"text": logged})()])
    assert "138****5678" in logged
    assert "服务器日志" in client.get(SMS_LOGIN_URL).content.decode()
    assert client.post(SMS_LOGIN_URL, {"sms_code": code}).status_code == 302


def test_helper_signs_an_applicant_in(client):
    user = make_user("applicant_person")
    assert sign_in_applicant(client, user).status_code == 302
    assert client.get(ME).status_code == 200
