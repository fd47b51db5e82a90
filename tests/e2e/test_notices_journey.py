"""The applicant's side of notices in the browser, in Chinese: a claim accepted with a material missing; the
applicant signs in, sees the unread messages in the navbar, reads on the case page what happens next, who holds
it and by when, opens the 材料补正告知书 as a PDF, and reads the messages."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from guangyuan_jobs.casework.models import MissingMaterial
from tests.casework.conftest import move, new_case, set_parameter
from tests.e2e.helpers import applicant_login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.notices.migrations.0002_seed_appeal_periods_reminders_and_templates")


@pytest.fixture
def reference_data(transactional_db):
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
    set_parameter("test.amount", "1000.00", value_type="decimal", unit="yuan")
    set_parameter("test.time_limit_days", 5, value_type="integer", unit="working days")


def test_the_applicant_knows_what_happens_next_and_reads_the_notice(page, reference_data):
    applicant = make_user("applicant_person", phone="13800138000")
    case = new_case(applicant)
    move(case, "accept_incomplete", make_user("intake"),
         data={"missing_materials": [{"code": "BANK", "label": ""}]})
    due = MissingMaterial.objects.get(case=case).due_date

    applicant_login(page, applicant.username, PASSWORD)
    expect(page.get_by_test_id("inbox-badge")).to_contain_text("2")  # received, accepted with materials missing
    page.goto(f"/cases/{case.ref}/")
    expect(page.get_by_test_id("next-step-what")).to_contain_text("请上传所缺材料")
    expect(page.get_by_test_id("next-step-holder")).to_contain_text("您（申请人）")
    expect(page.get_by_test_id("next-step-due")).to_contain_text(due.isoformat())
    notices = page.get_by_test_id("case-notices")
    expect(notices).to_contain_text("材料补正告知书")
    expect(notices).to_contain_text("受理通知书")
    link = notices.locator("li", has_text="材料补正告知书").get_by_role("link")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.get_by_test_id("inbox-badge").click()
    expect(page.get_by_test_id("inbox")).to_contain_text("申请已容缺受理，请补交材料")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_test_id("inbox-badge")).not_to_contain_text("2")
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0)
