"""`manage.py seed_demo`: idempotent demo accounts and cases; every demo role signs in to its own menu."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from guangyuan_jobs.casework.models import Case, CaseStatus

PASSWORD = "Demo-Password-2026!"

# What each demo account must find in its menu, and what it must not.
EXPECTED_NAV = {
    "applicant": (["我的申请"], ["审计日志", "待办"]),
    "reviewer": (["待办", "批量任务"], ["审计日志", "账户安全"]),
    "approver": (["待办"], ["账户安全"]),
    "auditor": (["审计日志", "导出"], ["账户安全", "批量任务"]),
    "security": (["账户安全"], ["待办", "导出"]),
    "admin": (["政策参数", "系统管理"], ["审计日志", "待办"]),
}


def sign_in(client, username: str) -> bool:
    """Through the real login page, as a person would (django-axes needs the request); applicants then enter
    the code texted to their phone (the test gateway's outbox)."""
    LocmemSmsGateway.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    if response.status_code == 302 and response.url == "/accounts/login/sms/":
        code = re.search(r"\d{6}", LocmemSmsGateway.outbox[-1].text).group(0)
        response = client.post("/accounts/login/sms/", {"sms_code": code})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.fixture
def seeded(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo")
    assert not User.objects.filter(username="approver").exists()


def test_seed_demo_is_idempotent_and_covers_the_lifecycle(seeded):
    cases = Case.objects.count()
    statuses = set(Case.objects.values_list("status", flat=True))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Case.objects.count() == cases
    expected = {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.RETURNED,
                CaseStatus.REJECTED, CaseStatus.REVIEWED, CaseStatus.APPROVED, CaseStatus.PUBLICIZED,
                CaseStatus.PAID, CaseStatus.REFUSED, CaseStatus.WITHDRAWN}
    assert expected <= statuses
    approver = User.objects.get(username="approver")
    waiting = Case.objects.filter(status=CaseStatus.REVIEWED).exclude(reviewed_by=approver)
    assert waiting.filter(first_approved_by__isnull=True).count() >= 3


@pytest.mark.parametrize("username", sorted(EXPECTED_NAV))
def test_each_demo_role_signs_in_and_sees_its_own_menu(seeded, client, username):
    assert sign_in(client, username)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    nav = html[html.index('data-testid="main-nav"'):html.index("</ul>", html.index('data-testid="main-nav"'))]
    present, absent = EXPECTED_NAV[username]
    for label in present:
        assert label in nav, (username, label)
    for label in absent:
        assert label not in nav, (username, label)


def test_every_demo_account_can_sign_in(seeded, client):
    for user in User.objects.filter(is_active=True):
        assert sign_in(client, user.username), user.username
        assert client.get("/", follow=True).status_code == 200, user.username
        client.logout()
