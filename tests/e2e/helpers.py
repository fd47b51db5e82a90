"""Steps that several browser journeys share."""

import datetime
import re

from django.db.models import F

from guangyuan_jobs.accounts.models import SmsCode, User
from guangyuan_jobs.accounts.sms import LocmemSmsGateway

SMS_CODE = re.compile(r"\d{6}")


def applicant_login(page, username: str, password: str) -> None:
    """Sign an applicant in through the login page: the password, then (settings.APPLICANT_SMS_LOGIN, on by
    default) the code texted to their phone, read from the test SMS gateway's outbox. The applicant's account
    needs a phone number (make_user("applicant_person", phone="138...")). Signs out whoever was signed in."""
    page.context.clear_cookies()
    LocmemSmsGateway.outbox.clear()
    # A journey signs the same applicant in several times within minutes: its earlier codes are moved an hour
    # back, out of the resend wait and the hourly limits (both tested in tests/accounts).
    phone = User.objects.filter(username=username).values_list("phone", flat=True).first()
    SmsCode.objects.filter(phone=phone).update(created_at=F("created_at") - datetime.timedelta(hours=1))
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=sms-login], [data-testid=current-user]")
    if page.locator("[data-testid=sms-login]").count():
        assert LocmemSmsGateway.outbox, "no sign-in code was texted (does the account have a phone number?)"
        page.fill("input[name=sms_code]", SMS_CODE.search(LocmemSmsGateway.outbox[-1].text).group(0))
        page.click("[data-testid=sms-login-submit]")
        page.wait_for_selector("[data-testid=current-user]")
