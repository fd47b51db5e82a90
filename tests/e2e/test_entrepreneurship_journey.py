"""The guaranteed-loan journey in the browser, in Chinese: an applicant applies and is told no counter-guarantee
is needed; the Center accepts, reviews and approves; the bank's due diligence passes, the guarantee fund
guarantees, the bank signs and disburses; the bank uploads its quarterly interest file; the Center files the
quarter's subsidy claim, which is approved and paid at the figure worked by hand."""

import importlib
import io

import pytest
from django.apps import apps
from openpyxl import Workbook
from playwright.sync_api import expect

from entrepreneurship.services.banks import bank_create, bank_staff_assign
from guangyuan_jobs.casework.models import Case, Payment
from tests.e2e.helpers import applicant_login
from tests.factories import PASSWORD, EnterpriseFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "entrepreneurship.migrations.0002_seed_loan_parameters")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test flushes the data migrations' rows: regions, policy parameters, the calendar."""
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


def case_act(page, ref, action):
    page.goto(f"/cases/{ref}/")
    page.click(f"[data-testid=action-{action}]")
    expect(page.locator(".alert-success[role=alert]")).to_be_visible()


def loan_act(page, ref, action, **fields):
    page.goto(f"/entrepreneurship/loans/{ref}/")
    card = page.locator(f"[data-testid=loan-action-{action}]")
    for name, value in fields.items():
        card.locator(f"input[name={name}]").fill(value)
    card.locator(f"[data-testid=loan-do-{action}]").click()
    expect(page.locator(".alert-success[role=alert]")).to_be_visible()


def interest_file(contract_no, borrower) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["合同编号", "借款人", "本季利息", "季末本金余额", "申请贴息金额"])
    sheet.append([contract_no, borrower, 1341.67, 150000, 766.67])
    sheet.append(["GY-NOPE", "查无此人", 10, 1000, 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_guaranteed_loan_from_application_to_the_first_subsidised_quarter(page, reference_data):
    bank = bank_create(code="gyrcb", name="广元农商银行", actor=None,
                       enterprise=EnterpriseFactory(name="四川广元农村商业银行股份有限公司"))
    applicant = make_user("applicant_person", phone="13812340055")
    intake, reviewer, approver = make_user("intake"), make_user("reviewer"), make_user("approver")
    entry, finance, guarantee = make_user("entry"), make_user("finance"), make_user("guarantee")
    banker = make_user("bank")
    bank_staff_assign(user=banker, bank=bank, actor=None)

    # 1. The applicant applies for 150,000 yuan: within Guangyuan's 150,000 waiver, no counter-guarantee.
    sign_in(page, applicant)
    page.goto("/entrepreneurship/apply/")
    form = page.locator("[data-testid=loan-form]")
    form.locator("#id_group_code").select_option("returning_migrant")
    form.locator("#id_amount").fill("150000")
    form.locator("#id_term_months").fill("24")
    form.locator("#id_bank").select_option("gyrcb")
    form.locator("#id_business_name").fill("昭化古城农家乐")
    form.locator("#id_business_started_on").fill("2024-01-10")
    form.locator("#id_purpose").fill("客房装修和厨房设备")
    page.click("[data-testid=loan-submit]")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已提交")
    expect(page.locator("[data-testid=counter-guarantee]")).to_contain_text("无需反担保")
    ref = page.inner_text("[data-testid=case-ref]").strip()

    # 2. The Center accepts, reviews and approves (three different people).
    sign_in(page, intake)
    case_act(page, ref, "accept")
    sign_in(page, reviewer)
    case_act(page, ref, "review")
    sign_in(page, approver)
    case_act(page, ref, "approve")
    expect(page.locator("[data-testid=loan-link]")).to_be_visible()

    # 3. The bank's due diligence, the guarantee, the contract: LPR on 2025-06-15 is 3.00 %, so at 3.50 % the
    # borrower pays 1.50 % and the government 2.00 %.
    sign_in(page, banker)
    page.goto("/entrepreneurship/")
    page.get_by_role("link", name=ref).click()
    expect(page.locator("[data-testid=loan-status]")).to_have_text("银行尽职调查")
    loan_act(page, ref, "bank_approve")
    sign_in(page, guarantee)
    loan_act(page, ref, "guarantee_approve")
    sign_in(page, banker)
    loan_act(page, ref, "disburse", contract_no="GYRCB-2025-0615", contract_date="2025-06-15",
             disbursed_on="2025-06-15", principal="150000", annual_rate="3.50", term_months="24")
    expect(page.locator("[data-testid=loan-rates]")).to_contain_text("借款人承担 1.5 %，财政贴息 2 %")
    # 2025 Q3: 150,000 × 2 % × 92 / 360 = 766.666… -> 766.67
    expect(page.locator("[data-testid=loan-subsidy]")).to_contain_text("766.67")

    # 4. The bank uploads its 2025 Q3 file: one good row, one bad row with its reason; it confirms.
    page.goto("/entrepreneurship/subsidy/")
    form = page.locator("[data-testid=upload-form]")
    form.locator("input[name=year]").fill("2025")
    form.locator("select[name=quarter]").select_option("3")
    form.locator("input[name=file]").set_input_files({"name": "2025Q3.xlsx", "mimeType": XLSX,
                                                      "buffer": interest_file("GYRCB-2025-0615",
                                                                              applicant.person.name)})
    page.click("[data-testid=upload-submit]")
    expect(page.locator("[data-testid=upload-status]")).to_have_text("已校验，待确认")
    expect(page.locator("[data-testid=rows-bad]")).to_have_text("1")
    expect(page.locator("[data-testid=upload-rows]")).to_contain_text("本行没有合同编号为 GY-NOPE 的贷款")
    expect(page.locator("[data-testid=subsidy-total]")).to_have_text("766.67")
    page.click("[data-testid=upload-confirm]")
    expect(page.locator("[data-testid=upload-status]")).to_have_text("已确认")
    upload_url = page.url

    # 5. The Center files the quarter's claim to finance; it is accepted, reviewed, approved and paid.
    sign_in(page, entry)
    page.goto(upload_url)
    page.click("[data-testid=upload-claim]")
    expect(page.locator("[data-testid=claim-total]")).to_contain_text("766.67")
    claim_ref = page.inner_text("[data-testid=case-ref]").strip()
    sign_in(page, intake)
    case_act(page, claim_ref, "accept")
    sign_in(page, reviewer)
    case_act(page, claim_ref, "review")
    sign_in(page, approver)
    case_act(page, claim_ref, "approve")
    sign_in(page, finance)
    case_act(page, claim_ref, "pay")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已发放")
    payment = Payment.objects.get(case=Case.objects.get(ref=claim_ref))
    assert str(payment.amount) == "766.67" and payment.status == Payment.Status.PAID
