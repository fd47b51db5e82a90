"""The claim pages: choosing a kind, filing a draft, uploading, submitting (one claim per double click), the
counter clerk's walk-in filing, the list, and the panel on casework's case page ("why this amount", the
monthly schedule and the caseworker's forms)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guangyuan_jobs.casework.models import Attachment, Case, CaseStatus
from subsidies.models import StartupSubsidyDetail, SubsidyInstalment, UnemploymentSubsidyDetail
from tests.factories import PersonFactory, make_user
from tests.subsidies.claims.conftest import advance, file_claim, kgbz_data, move, pdf, sybzj_data

pytestmark = pytest.mark.django_db


def refs_in(html: str) -> set[str]:
    return set(re.findall(r"[A-Z]+-\d{4}-[0-9A-Z]{8}", html))


def key_in(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)


def test_each_applicant_chooses_among_the_kinds_for_them(crew, client):
    client.force_login(crew.person)
    page = client.get("/subsidies/claims/new/").content.decode()
    assert set(re.findall(r'data-testid="apply-([A-Z]+)"', page)) == {"SYBZJ", "JNTS", "SBBT", "CYBT"}
    assert "失业补助金" in page and "解除或终止劳动关系证明" in page
    assert client.get("/subsidies/claims/new/WGFH/").status_code == 404
    client.force_login(crew.firm)
    page = client.get("/subsidies/claims/new/").content.decode()
    assert set(re.findall(r'data-testid="apply-([A-Z]+)"', page)) == {"WGFH", "XNJY", "KGBZ"}
    assert "一次性扩岗补助" in page and "为招用人员缴纳失业、工伤、养老保险的记录" in page
    client.force_login(crew.reviewer)
    assert client.get("/subsidies/claims/new/").status_code == 403


def test_file_a_draft_upload_and_submit(crew, client):
    client.force_login(crew.person)
    form = client.get("/subsidies/claims/new/SYBZJ/").content.decode()
    assert 'name="unemployed_since"' in form and 'type="date"' in form
    response = client.post("/subsidies/claims/new/SYBZJ/", {**sybzj_data(), "idempotency_key": key_in(form),
                                                            "action": "save"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/claims/{case.ref}/edit/"
    edit = client.get(response["Location"]).content.decode()
    assert "5088.00" in edit and "预估" in edit and "所依据的政策参数" in edit and "尚未上传" in edit
    assert "当地失业保险金标准每月 1060 元" in edit

    uploaded = client.post(f"/subsidies/claims/{case.ref}/materials/", {"material_code": "id_card", "file": pdf()})
    assert uploaded.status_code == 302 and Attachment.objects.filter(case=case, material_code="id_card").exists()
    program = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    bad = client.post(f"/subsidies/claims/{case.ref}/materials/", {"material_code": "bank_card", "file": program})
    assert bad.status_code == 400 and "只接受" in bad.content.decode()

    submitted = client.post(f"/subsidies/claims/{case.ref}/submit/", {"idempotency_key": key_in(edit)})
    assert submitted.status_code == 302 and submitted["Location"] == f"/cases/{case.ref}/"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    page = client.get(submitted["Location"]).content.decode()
    assert 'data-testid="claim-panel"' in page and "金额计算依据" in page and "政策文件" in page
    assert "人社部发〔2020〕40号" in page  # the document the parameters come from
    assert client.get(f"/subsidies/claims/{case.ref}/edit/")["Location"] == f"/cases/{case.ref}/"


def test_an_enterprise_files_a_job_expansion_draft_on_the_page(crew, client):
    client.force_login(crew.firm)
    form = client.get("/subsidies/claims/new/KGBZ/").content.decode()
    assert 'name="category"' in form and 'name="left_school_on"' in form and 'name="contract_months"' not in form
    response = client.post("/subsidies/claims/new/KGBZ/", {**kgbz_data(), "idempotency_key": key_in(form),
                                                           "action": "save"})
    case = Case.objects.get(kind="KGBZ")
    assert response.status_code == 302 and response["Location"] == f"/subsidies/claims/{case.ref}/edit/"
    edit = client.get(response["Location"]).content.decode()
    assert "1500.00" in edit and "每招用一名青年一次性扩岗补助标准：1500.00 元。" in edit and "李小青" in edit


def test_a_double_click_files_one_claim(crew, client):
    client.force_login(crew.person)
    key = key_in(client.get("/subsidies/claims/new/CYBT/").content.decode())
    data = {"business_name": "小二餐馆", "business_credit_code": "91510802MA62XK3P88", "registered_on": "2026-05-01",
            "idempotency_key": key, "action": "submit"}
    first = client.post("/subsidies/claims/new/CYBT/", data)
    second = client.post("/subsidies/claims/new/CYBT/", data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Case.objects.get().status == CaseStatus.SUBMITTED


def test_bad_input_is_explained_in_chinese_and_files_nothing(crew, client):
    client.force_login(crew.person)
    response = client.post("/subsidies/claims/new/SYBZJ/", {**sybzj_data(unemployed_since="2099-01-01"),
                                                            "idempotency_key": "abc", "action": "save"})
    page = response.content.decode()
    assert response.status_code == 400 and "日期不能晚于今天。" in page and "is-invalid" in page
    assert not Case.objects.exists()


def test_a_duplicate_is_refused_on_the_page_with_its_reference(crew, client):
    first = file_claim(crew.person, "SYBZJ")
    client.force_login(crew.person)
    response = client.post("/subsidies/claims/new/SYBZJ/", {**sybzj_data(unemployed_since="2020-06-01"),
                                                            "idempotency_key": "k2", "action": "save"})
    assert response.status_code == 409 and first.ref in response.content.decode()
    assert Case.objects.count() == 1


def test_a_draft_is_corrected_on_its_page(crew, client):
    case = file_claim(crew.person, "SYBZJ")
    client.force_login(crew.person)
    response = client.post(f"/subsidies/claims/{case.ref}/edit/", {**sybzj_data(insured_months=11)})
    assert response.status_code == 302
    assert UnemploymentSubsidyDetail.objects.get(case=case).insured_months == 11
    client.force_login(make_user("applicant_person"))
    assert client.get(f"/subsidies/claims/{case.ref}/edit/").status_code == 404


def test_the_precheck_warns_the_applicant_before_submitting(crew, client):
    case = file_claim(crew.person, "JNTS", ui_contribution_months=3)
    client.force_login(crew.person)
    page = client.get(f"/subsidies/claims/{case.ref}/edit/").content.decode()
    assert "中心可能因以下原因" in page and "累计缴纳失业保险费 3 个月" in page


def test_a_counter_clerk_files_for_a_walk_in(crew, client):
    person = PersonFactory(name="李四")
    client.force_login(crew.intake)
    form = client.get("/subsidies/claims/new/SYBZJ/").content.decode()
    assert 'data-testid="walk-in"' in form
    response = client.post("/subsidies/claims/new/SYBZJ/", {
        **sybzj_data(), "applicant_id_number": person.id_number, "applicant_name": "李四",
        "idempotency_key": key_in(form), "action": "submit"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant_person == person and case.created_by == crew.intake and case.status == "submitted"
    wrong = client.post("/subsidies/claims/new/JNTS/", {"applicant_id_number": person.id_number,
                                                        "applicant_name": "李五", "idempotency_key": "w1",
                                                        "action": "save", "occupation_code": "4-01",
                                                        "occupation_name": "电工", "level": "5",
                                                        "certificate_no": "C1", "issued_on": "2026-10-01",
                                                        "ui_contribution_months": "20"})
    assert wrong.status_code == 400 and "名称与登记的名称不一致" in wrong.content.decode()
    assert person.id_number not in wrong.content.decode()


def test_the_list_shows_ones_own_claims_with_filters(crew, client):
    mine = file_claim(crew.person, "SYBZJ")
    skill = file_claim(crew.person, "JNTS", submit=True)
    other = file_claim(make_user("applicant_person"), "SYBZJ")
    client.force_login(crew.person)
    page = client.get("/subsidies/claims/").content.decode()
    assert refs_in(page) == {mine.ref, skill.ref} and other.ref not in page
    assert f"/subsidies/claims/{mine.ref}/edit/" in page and f"/cases/{skill.ref}/" in page
    assert refs_in(client.get("/subsidies/claims/?kind=JNTS").content.decode()) == {skill.ref}
    assert refs_in(client.get("/subsidies/claims/?status=draft").content.decode()) == {mine.ref}


def test_the_reviewer_sets_a_startup_amount_on_the_case_page(crew, client):
    case = move(file_claim(crew.person, "CYBT", submit=True), "accept", crew.intake)
    client.force_login(crew.reviewer)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert 'data-testid="claim-amount-form"' in page and "由审核人在审核前核定" in page
    response = client.post(f"/subsidies/claims/{case.ref}/amount/", {"amount": "5000", "reason": "参照同类业务"})
    assert response.status_code == 302
    assert StartupSubsidyDetail.objects.get(case=case).reviewer_amount == 5000
    client.force_login(crew.person)
    assert 'data-testid="claim-amount-form"' not in client.get(f"/cases/{case.ref}/").content.decode()
    client.post(f"/subsidies/claims/{case.ref}/amount/", {"amount": "9000", "reason": "我要更多"})
    assert StartupSubsidyDetail.objects.get(case=case).reviewer_amount == 5000


def test_the_schedule_and_its_stop_on_the_case_page(crew, client):
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    client.force_login(crew.person)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert 'data-testid="claim-instalments"' in page and "2020-09" in page and "claim-stop-form" not in page
    assert client.post(f"/subsidies/claims/{case.ref}/stop/", {"stopped_on": "2020-07-10",
                                                               "reason": "reemployed"}).status_code == 302
    assert not SubsidyInstalment.objects.filter(status="stopped").exists()
    client.force_login(crew.reviewer)
    assert 'data-testid="claim-stop-form"' in client.get(f"/cases/{case.ref}/").content.decode()
    client.post(f"/subsidies/claims/{case.ref}/stop/", {"stopped_on": "2020-07-10", "reason": "reemployed"})
    assert SubsidyInstalment.objects.filter(case=case, status="stopped").count() == 2
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert "自 2020-07-10 起停止享受：重新就业并参保" in page
