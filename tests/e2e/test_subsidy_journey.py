"""The unemployment-subsidy journey in the browser, in Chinese: an applicant files a claim with a material
missing, a clerk accepts it under 容缺, the applicant supplements it, a reviewer and a different approver
approve, the case is publicly noticed and paid in a payment batch, and the applicant sees it paid."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.registry.services import person_set_bank_account
from subsidies.models import PaymentBatch, PublicNotice, SubsidyInstalment
from subsidies.services.payments import instalment_reference
from tests.e2e.helpers import applicant_login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "subsidies.migrations.0005_seed_direct_refund_confirmation_days")


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test flushes the data migrations' rows: regions, policy parameters, the calendar."""
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def sign_in(page, user):
    """Sign out whoever was signed in (a fresh cookie jar), then sign in through the login page; applicants
    also enter the code texted to their phone."""
    if user.is_applicant:
        applicant_login(page, user.username, PASSWORD)
        return
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


def act(page, ref, action, comment=""):
    """A caseworker takes one action on the case page."""
    page.goto(f"/cases/{ref}/")
    if comment:
        page.fill("#id_comment", comment)
    page.click(f"[data-testid=action-{action}]")
    expect(page.locator(".alert-success")).to_be_visible()


def batch_action(page, code):
    page.locator(f"[data-testid=batch-actions] form:has(input[name=action][value={code}]) button").click()
    expect(page.locator(".alert-success")).to_be_visible()


def return_file(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["业务参考号", "处理结果", "失败原因"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_unemployment_subsidy_from_claim_with_missing_material_to_payment(page, reference_data):
    applicant = make_user("applicant_person", phone="13812340001")
    intake, reviewer = make_user("intake"), make_user("reviewer")
    approver, publisher = make_user("approver"), make_user("approver")
    finance, finance2 = make_user("finance"), make_user("finance")
    # No page lets a person enter their bank account (the claim form has no such field): test setup.
    person_set_bank_account(person=applicant.person, bank_name="中国农业银行广元分行", account="6228480000000001234",
                            actor=None)

    # 1. The applicant files the claim and uploads two of the three required materials.
    sign_in(page, applicant)
    page.goto("/subsidies/claims/new/")
    page.click("[data-testid=apply-SYBZJ]")
    form = page.locator("[data-testid=claim-form]")
    form.locator("select[name=category]").select_option("not_eligible")
    form.locator("input[name=unemployed_since]").fill("2020-04-15")
    form.locator("input[name=insured_months]").fill("8")
    page.click("[data-testid=claim-save]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("草稿")
    ref = page.inner_text("[data-testid=case-ref]").strip()
    for code, name in (("id_card", "身份证.pdf"), ("bank_card", "社保卡.pdf")):
        upload = page.locator("[data-testid=claim-upload]")
        upload.locator("select[name=material_code]").select_option(code)
        upload.locator("input[name=file]").set_input_files(pdf(name))
        upload.locator("button[type=submit]").click()
        expect(page.locator("[data-testid=claim-materials]")).to_contain_text(name)
    expect(page.locator("[data-testid=claim-materials-missing]")).to_contain_text("解除或终止劳动关系证明")
    page.click("[data-testid=claim-submit]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已提交")
    assert page.url.endswith(f"/cases/{ref}/")

    # 2. The clerk finds it in the inbox and accepts it under 容缺, naming the missing proof.
    sign_in(page, intake)
    page.goto("/cases/")
    page.get_by_role("link", name=ref).click()
    actions = page.locator("[data-testid=case-actions]")
    actions.get_by_label("解除或终止劳动关系证明").check()
    page.fill("#id_comment", "请补交离职证明")
    page.click("[data-testid=action-accept_incomplete]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已受理")

    # 3. The applicant sees what is missing and by when, and supplies it.
    sign_in(page, applicant)
    page.goto(f"/cases/{ref}/")
    missing = page.locator("[data-testid=missing-materials]")
    due = Case.objects.get(ref=ref).missing_materials.get().due_date
    expect(missing).to_contain_text("解除或终止劳动关系证明")
    expect(missing).to_contain_text(f"补交期限 {due:%Y-%m-%d}")
    assert due > timezone.localdate()
    upload = page.locator("[data-testid=upload-form]")
    upload.locator("select[name=material_code]").select_option("separation_proof")
    upload.locator("input[name=file]").set_input_files(pdf("离职证明.pdf"))
    upload.locator("button[type=submit]").click()
    expect(missing).to_contain_text("已补交")
    expect(page.locator("[data-testid=materials]")).to_contain_text("离职证明.pdf")

    # 4. A reviewer reviews; a different person, an approver, approves.
    sign_in(page, reviewer)
    act(page, ref, "review")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已审核")
    sign_in(page, approver)
    act(page, ref, "approve")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已批准")
    amount = Case.objects.get(ref=ref).approved_amount
    assert amount and amount > 0
    expect(page.locator("[data-testid=case-approved-amount]")).to_contain_text(str(amount))

    # 5. Another approver publishes it on a public notice, seen without signing in.
    sign_in(page, publisher)
    page.goto("/subsidies/notices/publish/?kind=SYBZJ")
    cases = page.locator("[data-testid=publish-cases]")
    expect(cases.locator(f"input[name=refs][value='{ref}']")).to_be_checked()
    page.fill("#id_title", "2020年失业补助金发放公示")
    page.locator("[data-testid=publish-form] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.context.clear_cookies()
    page.reload()
    body = page.inner_text("main")
    assert str(amount) in body
    assert applicant.person.name not in body  # the name is masked
    assert Case.objects.get(ref=ref).status == "publicized"

    # 6. While the notice runs, a batch leaves the case out and says why. The window (working days) must be
    # over before payment: test setup moves it into the past rather than waiting.
    sign_in(page, finance)
    page.goto("/subsidies/payment-batches/new/")
    expect(page.locator("[data-testid=payments-waiting]")).to_contain_text("失业补助金")
    new = page.locator("[data-testid=batch-new-form]")
    new.locator("select[name=fund_source]").select_option("ui_fund")
    new.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=batch-error]")).to_contain_text(ref)
    assert not PaymentBatch.objects.exists()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PublicNotice.objects.update(starts_on=yesterday - datetime.timedelta(days=10), ends_on=yesterday)

    # 7. Finance builds and locks a batch; a second finance user approves it and makes the bank file.
    page.goto("/subsidies/payment-batches/new/")
    new.locator("select[name=fund_source]").select_option("ui_fund")
    new.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=batch-status]")).to_be_visible()
    # 失业补助金 is paid month by month: every month already due is one transfer of this batch.
    months = [instalment_reference(ref, m) for m in SubsidyInstalment.objects.filter(case__ref=ref)
              .order_by("month").values_list("month", flat=True)]
    assert months and all(m.startswith(ref) for m in months)
    expect(page.locator("[data-testid=batch-items]")).to_contain_text(ref)
    expect(page.locator("[data-testid=batch-count]")).to_have_text(str(len(months)))
    batch_url = page.url
    batch_action(page, "lock")
    expect(page.locator("[data-testid=batch-actions] input[value=approve]")).to_have_count(0)  # maker-checker

    sign_in(page, finance2)
    page.goto(batch_url)
    batch_action(page, "approve")
    batch_action(page, "export")
    with page.expect_download() as download:
        page.click("[data-testid=bank-file]")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        bank_file = load_workbook(io.BytesIO(handle.read()), read_only=True)
    cells = [str(c) for row in bank_file.active.iter_rows(values_only=True) for c in row if c is not None]
    assert set(months) <= set(cells)

    # 8. The bank's return file says paid; the batch reconciles and balances.
    return_form = page.locator("[data-testid=return-form]")
    return_form.locator("input[name=file]").set_input_files(
        {"name": "回盘.xlsx", "mimeType": XLSX, "buffer": return_file([(month, "成功", "") for month in months])})
    return_form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=batch-status]")).to_have_text("已对账")
    expect(page.locator("[data-testid=reconciliation]")).to_contain_text("平衡")
    expect(page.locator("[data-testid=paid-total]")).to_have_text(f"{amount:.2f}")

    # 9. The applicant sees the claim paid.
    sign_in(page, applicant)
    page.goto("/cases/")
    expect(page.get_by_role("link", name=ref)).to_be_visible()
    page.goto(f"/cases/{ref}/")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已发放")
    assert Case.objects.get(ref=ref).status == "paid"
