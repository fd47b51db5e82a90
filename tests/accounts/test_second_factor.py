"""Staff TOTP: required outside the demo, set up with a QR code, each code accepted once."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from guangyuan_jobs.audit.models import AuditEvent
from tests.accounts.conftest import sign_in, sign_in_applicant, totp_now, wrong_code
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ME = "/accounts/me/"
VERIFY = "/accounts/otp/"
SETUP = "/accounts/otp/setup/"


@pytest.fixture
def otp_required(settings):
    settings.REQUIRE_STAFF_OTP = True


@pytest.fixture
def reviewer_with_device():
    user = make_user("reviewer")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_without_the_requirement_staff_need_no_code(client, settings):
    settings.REQUIRE_STAFF_OTP = False
    user = make_user("reviewer")
    sign_in(client, user.username)
    assert client.get(ME).status_code == 200


def test_staff_without_a_device_is_sent_to_set_one_up(client, otp_required):
    user = make_user("approver")
    sign_in(client, user.username)
    response = client.get(ME)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)

    page = client.get(SETUP)
    assert page.status_code == 200
    text = page.content.decode()
    assert "otpauth://totp/" in text
    assert "data:image/svg+xml;base64," in text
    assert "二次验证" in text
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    refused = client.post(SETUP, {"token": wrong_code(device), "next": ME})
    assert refused.status_code == 200
    assert "动态码错误" in refused.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    device.throttle_reset()  # django-otp makes the next try wait after a failure

    confirmed = client.post(SETUP, {"token": totp_now(device), "next": ME})
    assert confirmed.status_code == 302
    assert confirmed.url == ME
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(ME).status_code == 200
    assert AuditEvent.objects.filter(event_type="accounts.otp_device_confirmed", actor=user).exists()


def test_right_code_lets_staff_in(client, otp_required, reviewer_with_device):
    user, device = reviewer_with_device
    sign_in(client, user.username)
    assert client.get(ME).status_code == 302
    assert client.get(SETUP).status_code == 302  # a confirmed device cannot be replaced by the user
    assert "我的账户" not in client.get(VERIFY).content.decode()  # no menu before the second factor
    response = client.post(VERIFY, {"token": totp_now(device), "next": ME})
    assert response.status_code == 302
    assert response.url == ME
    assert "我的账户" in client.get(ME).content.decode()
    assert AuditEvent.objects.filter(event_type="auth.otp_verified", actor=user).exists()


def test_replayed_code_is_refused(client, otp_required, reviewer_with_device):
    from django.test import Client

    user, device = reviewer_with_device
    code = totp_now(device)
    sign_in(client, user.username)
    assert client.post(VERIFY, {"token": code}).status_code == 302

    attacker = Client()
    sign_in(attacker, user.username)
    replay = attacker.post(VERIFY, {"token": code, "next": ME})
    assert replay.status_code == 200
    assert "已被使用" in replay.content.decode()
    assert attacker.get(ME).status_code == 302
    # An older code from the window is refused too: only later time steps count.
    device.refresh_from_db()
    device.throttle_reset()
    assert attacker.post(VERIFY, {"token": totp_now(device, -1)}).status_code == 200


def test_wrong_code_is_refused_and_audited(client, otp_required, reviewer_with_device):
    user, device = reviewer_with_device
    sign_in(client, user.username)
    response = client.post(VERIFY, {"token": wrong_code(device), "next": ME})
    assert response.status_code == 200
    assert client.get(ME).status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.otp_failed", actor=user, outcome="failure").exists()


def test_unverified_staff_may_still_sign_out_and_check_health(client, otp_required, reviewer_with_device):
    user, _device = reviewer_with_device
    sign_in(client, user.username)
    assert client.get("/healthz").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_unverified_staff_session_gets_403_json_from_the_api(client, otp_required, reviewer_with_device):
    user, _device = reviewer_with_device
    sign_in(client, user.username)
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def test_applicants_need_no_totp(client, otp_required):
    user = make_user("applicant_person")
    sign_in_applicant(client, user)
    assert client.get(ME).status_code == 200


def test_api_token_for_staff_needs_a_totp_code(client, otp_required, reviewer_with_device):
    user, device = reviewer_with_device
    url = "/api/v1/auth/token/"
    without = client.post(url, {"username": user.username, "password": PASSWORD}, content_type="application/json")
    assert without.status_code == 403
    assert without.json()["error"]["code"] == "second_factor_required"
    device.refresh_from_db()
    device.throttle_reset()
    with_code = client.post(url, {"username": user.username, "password": PASSWORD, "otp_token": totp_now(device)},
                            content_type="application/json")
    assert with_code.status_code == 200
    assert with_code.json()["token"]


def test_api_token_for_staff_without_a_device_is_refused(client, otp_required):
    user = make_user("reviewer")
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 403


def test_profile_shows_second_factor_status(client, settings, reviewer_with_device):
    settings.REQUIRE_STAFF_OTP = False
    user, _device = reviewer_with_device
    sign_in(client, user.username)
    page = client.get(ME).content.decode()
    assert "已绑定身份验证器应用" in page
    assert "审核" in page  # my role
    assert "全市" in page  # my area
