"""A staff member and an applicant sign in through the Chinese login page and see their own menus."""

import pytest

from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username):
    page.goto("/accounts/login/")
    assert "登录" in page.content()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


def test_auditor_sees_audit_trail_and_exports_but_not_the_security_menu(page):
    make_user("auditor", username="auditor1", display_name="审计员甲")
    _sign_in(page, "auditor1")
    nav = page.inner_text("[data-testid=main-nav]")
    assert "审计" in nav
    assert "导出" in nav
    assert "账户安全" not in nav


def test_security_admin_sees_account_security_only(page):
    make_user("security", username="security1", display_name="安全管理员")
    _sign_in(page, "security1")
    nav = page.inner_text("[data-testid=main-nav]")
    assert "账户安全" in nav
    assert "待办" not in nav
