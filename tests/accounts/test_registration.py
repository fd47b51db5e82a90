"""Applicant self-registration: resident ID or credit code checked, phone confirmed by an SMS code."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from guangyuan_jobs.accounts.models import SmsCode, User
from guangyuan_jobs.accounts.sms import ConsoleSmsGateway, SmsMessage
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.registry.models import Enterprise, Person
from guangyuan_jobs.registry.services import person_get_or_create
from tests.accounts.conftest import last_code
from tests.factories import EnterpriseFactory, make_credit_code, make_id_number, make_user

pytestmark = pytest.mark.django_db
REGISTER = "/accounts/register/"
SMS = "/accounts/register/sms/"
GOOD_PASSWORD = "Qingchuan-River-88"


@pytest.fixture
def send_code(client, sms_outbox, django_capture_on_commit_callbacks):
    def send(phone="13800138000", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SMS, {"phone": phone, "kind": "person"}, HTTP_HX_REQUEST="true", **extra)
        return response
    return send


def _person_data(**overrides):
    data = {"kind": "person", "name": "王小明", "id_number": make_id_number(), "phone": "13800138000",
            "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD, "sms_code": ""}
    data.update(overrides)
    return data


def _enterprise_data(**overrides):
    data = {"kind": "enterprise", "credit_code": make_credit_code(), "enterprise_name": "广元市利州区示范有限公司",
            "contact_name": "李经理", "phone": "13900139000", "password": GOOD_PASSWORD,
            "password_confirm": GOOD_PASSWORD, "sms_code": ""}
    data.update(overrides)
    return data


def _counts():
    return User.objects.count(), Person.objects.count(), Enterprise.objects.count()


def test_register_page_is_chinese(client):
    page = client.get(REGISTER).content.decode()
    assert "公民身份号码" in page
    assert "获取验证码" in page
    assert "统一社会信用代码" in client.get(REGISTER + "?kind=enterprise").content.decode()


def test_person_registers_with_an_sms_code(client, send_code, sms_outbox):
    response = send_code()
    assert response.status_code == 200
    assert "138****8000" in response.content.decode()
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == "13800138000"
    code = last_code(sms_outbox)
    assert code not in SmsCode.objects.get().code_hash  # only a keyed hash is stored

    id_number = make_id_number()
    response = client.post(REGISTER, _person_data(id_number=id_number, sms_code=code))
    assert response.status_code == 302
    user = User.objects.get(username="13800138000")
    assert user.kind == User.Kind.PERSON
    assert list(user.groups.values_list("name", flat=True)) == ["applicant_person"]
    assert user.person.name == "王小明"
    assert user.person.id_number == id_number
    assert user.phone_verified_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk  # signed in straight away
    assert SmsCode.objects.get().used_at is not None
    assert AuditEvent.objects.filter(event_type="accounts.registered", actor=user).exists()


def test_existing_person_without_an_account_is_linked_not_duplicated(client, send_code, sms_outbox):
    id_number = make_id_number()
    person = person_get_or_create(id_number=id_number, name="赵六", actor=None)
    send_code()
    response = client.post(REGISTER, _person_data(name="赵六", id_number=id_number, sms_code=last_code(sms_outbox)))
    assert response.status_code == 302
    assert User.objects.get(username="13800138000").person == person
    assert Person.objects.count() == 1


def test_enterprise_registers_with_an_sms_code(client, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SMS, {"phone": "13900139000", "kind": "enterprise"})
    credit_code = make_credit_code()
    response = client.post(REGISTER, _enterprise_data(credit_code=credit_code.lower(),
                                                      sms_code=last_code(sms_outbox)))
    assert response.status_code == 302
    user = User.objects.get(username=credit_code)
    assert user.kind == User.Kind.ENTERPRISE
    assert list(user.groups.values_list("name", flat=True)) == ["applicant_enterprise"]
    assert user.enterprise.credit_code == credit_code
    assert user.enterprise.name == "广元市利州区示范有限公司"
    assert user.display_name == "李经理"
    # The enterprise signs in with its credit code, typed in any case.
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": credit_code.lower(), "password": GOOD_PASSWORD}
                       ).status_code == 302


def test_bad_check_digit_is_refused_and_nothing_created(client, send_code, sms_outbox):
    send_code()
    good = make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    before = _counts()
    response = client.post(REGISTER, _person_data(id_number=bad, sms_code=last_code(sms_outbox)))
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert _counts() == before
    assert SmsCode.objects.get().used_at is None


def test_wrong_sms_code_is_refused(client, send_code, sms_outbox):
    send_code()
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    before = _counts()
    response = client.post(REGISTER, _person_data(sms_code=wrong))
    assert response.status_code == 200
    assert "短信验证码错误" in response.content.decode()
    assert _counts() == before
    assert SmsCode.objects.get().attempts == 1  # the wrong guess stays counted


def test_expired_sms_code_is_refused(client, send_code, sms_outbox):
    send_code()
    SmsCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    before = _counts()
    response = client.post(REGISTER, _person_data(sms_code=last_code(sms_outbox)))
    assert "已过期" in response.content.decode()
    assert _counts() == before


def test_five_wrong_guesses_burn_the_code(client, send_code, sms_outbox):
    send_code()
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        client.post(REGISTER, _person_data(sms_code=wrong))
    response = client.post(REGISTER, _person_data(sms_code=code))
    assert "错误次数过多" in response.content.decode()
    assert not User.objects.exists()


def test_a_used_code_cannot_register_twice(client, send_code, sms_outbox):
    send_code()
    code = last_code(sms_outbox)
    assert client.post(REGISTER, _person_data(sms_code=code)).status_code == 302
    client.post("/accounts/logout/")
    response = client.post(REGISTER, _person_data(phone="13800138000", sms_code=code))
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_id_number_with_an_account_is_refused_without_saying_whose(client, send_code, sms_outbox):
    id_number = make_id_number()
    owner = make_user("applicant_person", person=person_get_or_create(id_number=id_number, name="张三", actor=None),
                      username="13700137000", phone="13700137000")
    send_code()
    before = _counts()
    response = client.post(REGISTER, _person_data(name="张三", id_number=id_number, sms_code=last_code(sms_outbox)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "已注册账户" in page
    assert owner.username not in page and "137****7000" not in page
    assert _counts() == before


def test_name_must_match_the_registered_person(client, send_code, sms_outbox):
    id_number = make_id_number()
    person_get_or_create(id_number=id_number, name="张三", actor=None)
    send_code()
    response = client.post(REGISTER, _person_data(name="李四", id_number=id_number, sms_code=last_code(sms_outbox)))
    assert "不一致" in response.content.decode()
    assert not User.objects.exists()


def test_enterprise_with_an_account_is_refused(client, sms_outbox, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory()
    make_user("applicant_enterprise", enterprise=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SMS, {"phone": "13900139000"}, HTTP_HX_REQUEST="true")
    before = _counts()
    response = client.post(REGISTER, _enterprise_data(credit_code=enterprise.credit_code,
                                                      enterprise_name=enterprise.name,
                                                      sms_code=last_code(sms_outbox)))
    assert "该单位已注册账户" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(("password", "message"), [
    ("Gy-5678", "至少需要 8 个字符"),
    ("20260101888", "只包含数字"),
    ("password123", "太常见"),
])
def test_weak_password_is_refused(client, send_code, sms_outbox, password, message):
    send_code()
    before = _counts()
    response = client.post(REGISTER, _person_data(password=password, password_confirm=password,
                                                  sms_code=last_code(sms_outbox)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before
    assert SmsCode.objects.get().attempts == 0  # a typo elsewhere does not burn a guess


def test_missing_fields_and_mismatched_passwords(client):
    response = client.post(REGISTER, {"kind": "person", "password": "a-b-c-d-e-f", "password_confirm": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "必填项" in page
    assert "两次输入的密码不一致" in page
    assert not User.objects.exists()


def test_sms_code_once_a_minute_and_a_few_an_hour(send_code, sms_outbox, settings):
    settings.SMS_MAX_PER_PHONE_PER_HOUR = 3
    assert "已发送" in send_code().content.decode()
    again = send_code()
    assert "秒后再试" in again.content.decode()
    assert len(sms_outbox) == 1
    for _ in range(2):
        SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        send_code()
    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert "一小时内获取验证码次数过多" in send_code().content.decode()
    assert len(sms_outbox) == 3
    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    send_code()
    assert len(sms_outbox) == 4


def test_sms_codes_per_client_address_are_capped(send_code, sms_outbox, settings):
    settings.SMS_MAX_PER_IP_PER_HOUR = 2
    send_code("13800000001")
    send_code("13800000002")
    assert "您所在网络" in send_code("13800000003").content.decode()
    assert "已发送" in send_code("13800000004", REMOTE_ADDR="10.2.3.4").content.decode()
    assert len(sms_outbox) == 3


def test_sms_to_a_bad_number_is_refused(send_code, sms_outbox):
    assert "11 位" in send_code("12345").content.decode()
    assert not sms_outbox


def test_sms_send_without_htmx_redirects_back_to_the_form(client, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SMS, {"phone": "13900139000", "kind": "enterprise"})
    assert response.status_code == 302
    assert response.url == REGISTER + "?kind=enterprise"
    assert len(sms_outbox) == 1


def test_console_gateway_masks_the_phone(caplog):
    with caplog.at_level(logging.INFO, logger="guangyuan_jobs.accounts.sms"):
        ConsoleSmsGateway().send(SmsMessage(phone="13800138000", text="code 123456"))
    assert "SMS to 138****8000: code 123456" in caplog.text
    assert "13800138000" not in caplog.text


def test_registered_roles_exist():
    assert Group.objects.filter(name__in=["applicant_person", "applicant_enterprise"]).count() == 2


def test_applicant_account_for_a_registered_person_by_staff():
    from guangyuan_jobs.accounts.services import applicant_account_create

    clerk = make_user("intake")
    person = person_get_or_create(id_number=make_id_number(), name="孙七", actor=None)
    user = applicant_account_create(username="applicant", password=GOOD_PASSWORD, display_name="孙七", person=person,
                                    actor=clerk)
    assert user.kind == User.Kind.PERSON and user.person == person
    assert list(user.groups.values_list("name", flat=True)) == ["applicant_person"]
    assert AuditEvent.objects.filter(event_type="accounts.applicant_created", actor=clerk).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        applicant_account_create(username="applicant2", password=GOOD_PASSWORD, display_name="孙七", person=person,
                                 actor=clerk)
    assert User.objects.filter(person=person).count() == 1


def test_without_a_valid_code_nobody_learns_whether_an_id_has_an_account(client, send_code, sms_outbox):
    id_number = make_id_number()
    make_user("applicant_person", person=person_get_or_create(id_number=id_number, name="张三", actor=None))
    send_code()
    wrong = f"{(int(last_code(sms_outbox)) + 1) % 1000000:06d}"
    page = client.post(REGISTER, _person_data(name="张三", id_number=id_number, sms_code=wrong)).content.decode()
    assert "短信验证码错误" in page
    assert "已注册账户" not in page
