import itertools
import re

import pytest
from django.test import TestCase
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"
SMS_LOGIN_URL = "/accounts/login/sms/"
_phones = itertools.count(13700000001)


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_GATEWAY = "guangyuan_jobs.accounts.sms.LocmemSmsGateway"
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group(0)


def totp_now(device: TOTPDevice, steps: int = 0) -> str:
    """The code the staff member's phone shows now, or `steps` time steps away."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code outside the accepted window (one step either side)."""
    accepted = {totp_now(device, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def sign_in_applicant(client, user, password=PASSWORD):
    """An applicant's whole sign-in: password, then the code texted to their phone (read from the test
    gateway's outbox). Gives the applicant a phone first if they have none. Returns the code step's response."""
    if not user.phone:
        user.phone = str(next(_phones))
        user.save(update_fields=["phone"])
    LocmemSmsGateway.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = sign_in(client, user.username, password)
    assert response.status_code == 302 and response.url == SMS_LOGIN_URL, response
    return client.post(SMS_LOGIN_URL, {"sms_code": last_code(LocmemSmsGateway.outbox)})
