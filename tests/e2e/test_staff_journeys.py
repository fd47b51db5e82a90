"""Staff journeys in the browser, in Chinese: a reviewer works the inbox with a batch job and watches it finish;
an auditor exports the case register and downloads it; a security administrator unlocks an account that
django-axes locked after five wrong passwords."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook
from playwright.sync_api import expect

from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.services import case_transition
from subsidies.services.claims import claim_file
from tests.factories import PASSWORD, PersonFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar")


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test flushes the data migrations' rows: regions, policy parameters, the calendar."""
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def sign_in(page, username, password=PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def accepted_claims(count: int) -> list[Case]:
    intake = make_user("intake")
    cases = []
    for index in range(count):
        person = PersonFactory(name=f"批量{index}")
        filer = make_user("applicant_person", person=person)
        start = (datetime.date.today().replace(day=1) - datetime.timedelta(days=200)).replace(day=1)
        case = claim_file(kind="SBBT", actor=filer, applicant_person=person, submit=True, data={
            "category": "hard_flexible", "months": 6, "monthly_contribution": "320.00",
            "period_start": start.isoformat()})
        cases.append(case_transition(case=case, action="accept", actor=intake, version=case.version))
    return cases


def test_reviewer_reviews_a_page_of_claims_in_one_batch_job(page, reference_data):
    cases = accepted_claims(3)
    reviewer = make_user("reviewer", username="shenhe")
    sign_in(page, reviewer.username)
    page.goto("/cases/?status=accepted")
    for case in cases:
        expect(page.get_by_label(case.ref)).to_be_visible()
    page.check("#select-all")
    page.select_option("#batch-action", "review")
    page.fill("#batch-comment", "材料齐全，批量审核")
    page.click("[data-testid=batch-form] button[type=submit]")
    progress = page.locator("[data-testid=batch-progress]")
    expect(progress).to_contain_text("已处理 3 / 3 件：办理 3 件")
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)) == {
        CaseStatus.REVIEWED}


def test_auditor_exports_the_case_register_and_downloads_it_masked(page, reference_data):
    case = accepted_claims(1)[0]
    auditor = make_user("auditor", username="shenji")
    sign_in(page, auditor.username)
    page.goto("/exports/new/")
    page.click("[data-testid=export-form] button[type=submit]")
    expect(page.locator("[data-testid=export-progress]")).to_contain_text("已完成")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-download]")
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()), read_only=True)  # noqa: SIM115
    cells = [str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
             for cell in row if cell is not None]
    assert case.ref in cells
    full_id = case.applicant_person.id_number
    assert full_id not in cells and any("********" in cell for cell in cells)


def test_security_administrator_unlocks_a_locked_account(page, reference_data, settings):
    make_user("reviewer", username="locked_reviewer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "locked_reviewer", password="wrong-password-123")
    sign_in(page, "locked_reviewer")
    expect(page.locator("body")).to_contain_text("锁定")

    make_user("security", username="anquan")
    sign_in(page, "anquan")
    page.goto("/accounts/security/lockouts/?locked=1")
    row = page.locator("tr", has_text="locked_reviewer")
    row.get_by_role("button", name="解锁").click()
    expect(page.locator(".alert-success")).to_contain_text("locked_reviewer")

    sign_in(page, "locked_reviewer")
    expect(page.locator("[data-testid=current-user]")).to_be_visible()
