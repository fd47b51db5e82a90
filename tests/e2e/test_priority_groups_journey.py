"""The priority-groups journey in the browser, in Chinese: two graduates are imported from the education
department's list (previewed first), one gets a plan, three services and a job referral that ends in
employment, and the graduates' employed-or-preparing rate moves from 0 % to 50 %."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from priority_groups.models import EmploymentStatus, ServiceRecord
from tests.factories import PASSWORD, make_id_number, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "priority_groups.migrations.0002_seed_groups_parameters_no_overlap")


@pytest.fixture
def reference_data(transactional_db):
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def graduate_roster() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "姓名", "联系电话", "所在地区代码", "备注"])
    sheet.append([make_id_number(region="510802", birth=datetime.date(2003, 5, 6)), "林晓", "13800002222", "510802",
                  "西南交通大学"])
    sheet.append([make_id_number(region="510821", birth=datetime.date(2003, 8, 9)), "何静", "13800003333", "510821",
                  "成都大学"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


def ready_rate(page) -> str:
    page.goto(f"/priority-groups/reports/?group=graduate&year={timezone.localdate().year}&by=district")
    return page.locator("[data-testid=ready-rate]").inner_text().strip()


def record_service(page, service_type: str, channel: str, outcome: str):
    page.locator("[data-testid=services] summary").click()
    page.select_option("#id_service-service_type", service_type)
    page.select_option("#id_service-channel", channel)
    page.fill("#id_service-outcome", outcome)
    page.locator("[data-testid=service-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记服务")


def test_a_graduate_is_imported_planned_served_referred_and_placed(page, reference_data):
    worker = make_user("group_caseworker", display_name="刘芳")
    sign_in(page, worker)

    # A vacancy from an enterprise short of labour.
    page.goto("/priority-groups/vacancies/new/")
    page.fill("#id_title", "电商运营专员")
    page.select_option("#id_source", "short_of_labour")
    page.fill("#id_employer_name", "广元某电子商务有限公司")
    page.select_option("#id_region", "510802")
    page.fill("#id_positions", "3")
    page.locator("[data-testid=vacancy-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记岗位")

    # The education department's list: previewed, then imported.
    page.goto("/priority-groups/rosters/new/")
    page.select_option("#id_group", "graduate")
    page.fill("#id_valid_from", f"{timezone.localdate().year}-07-01")
    page.fill("#id_evidence", "省教育厅离校未就业高校毕业生名单")
    page.set_input_files("#id_file", {"name": "graduates.xlsx", "mimeType": XLSX, "buffer": graduate_roster()})
    page.locator("[data-testid=roster-form] button[type=submit]").click()
    expect(page.locator("[data-testid=roster-status]")).to_have_text("预览完成")
    expect(page.locator("[data-testid=count-new]")).to_have_text("2")
    page.click("[data-testid=roster-commit]")
    expect(page.locator("[data-testid=roster-status]")).to_have_text("已导入")

    assert ready_rate(page) == "0.0%"

    # The graduate's file: a plan, three services, a referral.
    page.goto("/priority-groups/?group=graduate")
    page.get_by_role("link", name="林晓").click()
    expect(page.locator("h1")).to_contain_text("林晓")
    page.check("[data-testid=plan-form] input[value=job]")
    page.select_option("#id_plan-measure_kind", "job_referral")
    page.fill("#id_plan-measure_description", "推荐本地电商岗位")
    page.locator("[data-testid=plan-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已制定帮扶计划")
    expect(page.locator("[data-testid=follow-ups]")).to_contain_text(
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat())

    record_service(page, "policy_briefing", "wechat", "已推送求职创业补贴政策")
    record_service(page, "career_guidance", "phone", "完成职业测评")
    record_service(page, "training_referral", "office", "推荐电商直播培训班")
    expect(page.locator("[data-testid=person-times]")).to_have_text("3人次")

    page.locator("[data-testid=referrals] summary").click()
    page.select_option("#id_referral-vacancy", label="广元某电子商务有限公司：电商运营专员")
    page.locator("[data-testid=referral-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已将此人推荐到该岗位")

    # The employer hires the graduate.
    page.get_by_role("link", name="广元某电子商务有限公司：电商运营专员").click()
    form = page.locator("[data-testid=outcome-form]")
    form.locator("select[name=outcome]").select_option("hired")
    form.locator("button").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记结果")
    expect(page.locator("[data-testid=referral-table]")).to_contain_text("已录用")

    page.get_by_role("link", name="林晓").click()
    expect(page.locator("[data-testid=current-status]")).to_have_text("本地就业")
    assert ServiceRecord.objects.filter(person__name="林晓").count() == 4
    assert EmploymentStatus.objects.get(person__name="林晓").employer_name == "广元某电子商务有限公司"

    assert ready_rate(page) == "50.0%"
    expect(page.locator("[data-testid=person-times]")).to_have_text("4")
