"""The integrity journey in the browser, in Chinese: a clerk imports public security's death file (preview,
then for real), the import screens the paid case of the person who died before payment, a verifier who did
not handle the case verifies the suspicious item, and the auditor sees the recovery with its balance."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from openpyxl import Workbook
from playwright.sync_api import expect

from guangyuan_jobs.casework.models import CaseStatus
from integrity.models import Finding, Recovery
from tests.e2e.test_subsidy_journey import SEEDS, sign_in
from tests.factories import make_user
from tests.integrity.conftest import Crew, D, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db):
    for module in (*SEEDS, "integrity.migrations.0002_seed_rules_and_parameters"):
        importlib.import_module(module).seed(apps, None)


def deaths_file(person, died_on) -> dict:
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "死亡日期"])
    sheet.append([person.id_number, person.name, died_on.isoformat()])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"name": "死亡注销.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}


def test_death_file_to_verified_finding_to_recovery(page, reference_data):
    crew = Crew()
    case = make_case(crew, kind="SBBT", status=CaseStatus.PAID, amount=Decimal("1500.00"), paid_on=D(2026, 3, 10))
    entry = make_user("entry")

    sign_in(page, entry)
    page.goto("/integrity/imports/new/")
    page.select_option("select[name=source]", "police_death")
    page.fill("input[name=file_date]", "2026-04-01")
    page.set_input_files("input[name=file]", deaths_file(case.applicant_person, D(2026, 2, 1)))
    page.click("[data-testid=import-form] button[type=submit]")
    expect(page.get_by_test_id("import-status")).to_have_text("预览完成")
    expect(page.get_by_test_id("count-created")).to_have_text("1")
    page.click("[data-testid=import-commit]")
    expect(page.get_by_test_id("import-status")).to_have_text("已导入")

    finding = Finding.objects.get(case=case)
    assert finding.trigger == Finding.Trigger.IMPORT and finding.verifier_id not in {crew.intake.pk,
                                                                                   crew.finance.pk}
    verifier = finding.verifier
    sign_in(page, verifier)
    page.goto("/integrity/")
    page.get_by_role("link", name=finding.ref).click()
    expect(page.get_by_test_id("finding-summary")).to_contain_text("2026-02-01")
    page.select_option("select[name=decision]", "verify")
    page.fill("textarea[name=reason]", "公安死亡注销信息属实，死亡后仍发放")
    page.click("[data-testid=decision-form] button[type=submit]")
    expect(page.get_by_test_id("finding-status")).to_have_text("已核实")

    recovery = Recovery.objects.get(finding=finding)
    sign_in(page, crew.auditor)
    page.goto("/integrity/recoveries/")
    row = page.get_by_test_id("recovery-row").filter(has_text=recovery.ref)
    expect(row.get_by_test_id("recovery-balance")).to_have_text("1500.00")
