import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"


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
