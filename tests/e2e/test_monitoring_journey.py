"""The monitoring journey in the browser, in Chinese: a monitored enterprise files its monthly return with a big
reduction, the statutory warning appears on the managers' dashboard, and a manager acknowledges and handles it."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from guangyuan_jobs.registry.models import Region
from monitoring import services
from monitoring.models import MonthlyReturn, Warning
from tests.e2e.helpers import applicant_login
from tests.factories import PASSWORD, EnterpriseFactory, make_credit_code, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "monitoring.migrations.0003_seed_rules_and_parameters")


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test flushes the data migrations' rows: regions, policy parameters, warning rules."""
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def sign_in(page, user):
    if user.is_applicant:
        applicant_login(page, user.username, PASSWORD)
        return
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


def test_a_big_reduction_raises_a_warning_that_a_manager_handles(page, reference_data):
    clerk = make_user("monitoring")
    district = Region.objects.get(pk="510811")
    firm = EnterpriseFactory(credit_code=make_credit_code(region="510811"), name="四川昭化嘉陵纺织有限公司",
                             region=district)
    services.monitored_enterprise_enrol(
        enterprise=firm, region=district, industry="C", ownership="private", size_class="medium",
        baseline_date=timezone.localdate().replace(day=1, month=1), baseline_headcount=260, actor=clerk)
    account = make_user("applicant_enterprise", enterprise=firm, phone="13908391234")
    manager = make_user("manager")

    sign_in(page, account)
    page.click("[data-testid=main-nav] >> text=失业动态监测月报")
    page.fill("#id_headcount", "208")
    page.fill("#id_reductions_economic_layoff", "52")
    page.select_option("#id_reduction_reason", "difficulty")
    page.click("[data-testid=return-submit]")
    expect(page.locator(".alert-success")).to_contain_text("月报已提交")
    expect(page.locator("[data-testid=return-figures]")).to_contain_text("208")
    assert MonthlyReturn.objects.get(monitored__enterprise=firm).reductions == 52

    sign_in(page, manager)
    page.click("[data-testid=main-nav] >> text=领导驾驶舱")
    warnings = page.locator("[data-testid=dashboard-warnings]")
    expect(warnings).to_contain_text("四川昭化嘉陵纺织有限公司")
    expect(page.locator("[data-testid='figure-monitoring.warnings_open'] [data-testid=figure-value]")).not_to_have_text(
        "0 预警")
    expect(page.locator("[data-testid='figure-monitoring.reductions'] [data-testid=figure-value]")).to_contain_text(
        "52")
    page.wait_for_function("document.querySelector('#chart-trend canvas') !== null")  # ECharts drew the trend

    warnings.locator("li", has_text="法定规模裁员").get_by_role("link").click()
    expect(page.locator("[data-testid=warning-status]")).to_have_text("待处理")
    page.click("[data-testid=warning-acknowledge]")
    expect(page.locator("[data-testid=warning-status]")).to_have_text("已签收")
    page.click("[data-testid=warning-handle]")  # a note is required
    expect(page.locator(".alert-danger")).to_contain_text("处置情况说明")
    page.fill("#id_note", "已约谈企业负责人，指导申请稳岗返还并组织转岗培训")
    page.click("[data-testid=warning-handle]")
    expect(page.locator("[data-testid=warning-status]")).to_have_text("已处置")
    expect(page.locator("[data-testid=warning-history]")).to_contain_text("组织转岗培训")
    warning = Warning.objects.get(monitored__enterprise=firm, rule__code="statutory-mass-layoff")
    assert warning.status == Warning.Status.HANDLED
