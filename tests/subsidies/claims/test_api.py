"""The claims API: the contract, every refusal path with its status and Chinese message, idempotent filing
and submission, mass assignment, and who may see what."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from guangyuan_jobs.casework.models import Case, CaseStatus, IdempotencyKey
from subsidies.models import BenefitPeriod, UnemploymentSubsidyDetail
from tests.factories import PersonFactory, make_id_number, make_user
from tests.subsidies.claims.conftest import advance, api, file_claim, jnts_data, move, sybzj_data, today

pytestmark = pytest.mark.django_db
LIST = "/api/v1/subsidies/claims/"


def url(case, action: str = "") -> str:
    return f"{LIST}{case.ref}/{action + '/' if action else ''}"


def body(kind="SYBZJ", **extra) -> dict:
    data = extra.pop("data", None) or sybzj_data()
    return {"kind": kind, "data": data, **extra}


def error(response) -> dict:
    return response.json()["error"]


def test_file_a_draft_and_read_it_back(crew):
    response = api(crew.person).post(LIST, body(), format="json")
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["status"] == "draft" and claim["kind"] == "SYBZJ" and claim["kind_label"] == "失业补助金"
    assert claim["data"] == {"category": "not_eligible", "unemployed_since": "2020-04-15", "insured_months": 8}
    assert claim["amount"]["amount"] == "5088.00" and claim["amount"]["estimate"] is True
    assert claim["amount"]["parameters"][0]["key"] == "sybzj.ui_benefit_standard_monthly"
    assert claim["findings"] == [] and claim["url"] == f"/cases/{claim['ref']}/"
    assert crew.person.person.id_number_masked in claim["applicant"]
    assert api(crew.person).get(f"{LIST}{claim['ref']}/").json()["ref"] == claim["ref"]


def test_file_and_submit_at_once(crew):
    response = api(crew.person).post(LIST, body(submit=True), format="json")
    assert response.status_code == 201
    claim = response.json()
    assert claim["status"] == "submitted" and claim["requested_amount"] == "5088.00"
    assert claim["amount"]["estimate"] is False and claim["findings"] == []  # recorded findings: staff only
    assert BenefitPeriod.objects.filter(case__ref=claim["ref"]).count() == 1


def test_lists_only_the_users_own_claims(crew):
    mine = file_claim(crew.person, "SYBZJ")
    file_claim(make_user("applicant_person"), "SYBZJ")
    listed = api(crew.person).get(LIST).json()
    assert listed["count"] == 1 and listed["results"][0]["ref"] == mine.ref
    assert api(crew.person).get(LIST, {"kind": "JNTS"}).json()["count"] == 0
    assert api(crew.person).get(LIST, {"status": "draft"}).json()["count"] == 1


def test_staff_see_submitted_claims_of_their_area_with_the_findings(crew):
    case = file_claim(crew.person, "JNTS", ui_contribution_months=2, submit=True)
    claim = api(crew.reviewer).get(url(case)).json()
    assert claim["findings"] and "缴纳失业保险费 2 个月" in claim["findings"][0]
    district = make_user("reviewer", region_code="510821")
    assert api(district).get(url(case)).status_code == 404


# --- 400 -----------------------------------------------------------------------------------------------------------

def test_bad_claim_data_names_each_field_in_chinese(crew):
    response = api(crew.person).post(LIST, body(data=sybzj_data(unemployed_since=str(today() +
                                                                                    datetime.timedelta(days=1)),
                                                                insured_months="many")), format="json")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "invalid" and err["message"] == "提交的数据有误。"
    assert err["fields"]["unemployed_since"] == ["日期不能晚于今天。"]
    assert set(err["fields"]) == {"unemployed_since", "insured_months"}
    assert not Case.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "NOPE", "data": {}}, "kind"),
    ({"kind": "SYBZJ"}, "data"),
    ({"kind": "SYBZJ", "data": "x"}, "data"),
])
def test_a_malformed_envelope_is_a_400(crew, payload, field):
    response = api(crew.person).post(LIST, payload, format="json")
    assert response.status_code == 400 and field in error(response)["fields"]


def test_a_person_cannot_file_an_enterprise_kind(crew):
    response = api(crew.person).post(LIST, body(kind="WGFH", data={}), format="json")
    assert response.status_code == 400
    assert error(response) == {"code": "applicant_type", "message": "此类业务须由另一类申请人申请。"}


def test_a_bad_idempotency_key_is_a_400(crew):
    response = api(crew.person).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="键" * 3)
    assert response.status_code == 400 and error(response)["code"] == "idempotency_key_invalid"
    assert not Case.objects.exists()


def test_walk_in_name_mismatch_is_a_400(crew):
    person = PersonFactory(name="李四")
    response = api(crew.intake).post(LIST, body(applicant={"id_number": person.id_number, "name": "张三"}),
                                     format="json")
    assert response.status_code == 400 and error(response)["code"] == "applicant_name_mismatch"
    assert person.id_number not in response.content.decode()


# --- 401 / 403 / 404 ------------------------------------------------------------------------------------------------

def test_anonymous_is_refused():
    assert api().get(LIST).status_code in (401, 403)
    assert api().post(LIST, body(), format="json").status_code in (401, 403)


def test_staff_without_counter_rights_cannot_file(crew):
    person = PersonFactory()
    response = api(crew.reviewer).post(LIST, body(applicant={"id_number": person.id_number, "name": person.name}),
                                       format="json")
    assert response.status_code == 403 and error(response)["message"] == "您无权为申请人代办申请。"
    assert api(make_user("security")).get(LIST).status_code == 403


def test_a_district_clerk_cannot_file_outside_the_district(crew):
    clerk = make_user("intake", region_code="510821")
    person = PersonFactory()
    response = api(clerk).post(LIST, body(applicant={"id_number": person.id_number, "name": person.name}),
                               format="json")
    assert response.status_code == 403 and not Case.objects.exists()


def test_a_clerk_files_for_a_walk_in_and_the_applicant_sees_it(crew):
    applicant = crew.person
    person = applicant.person
    response = api(crew.intake).post(LIST, body(applicant={"id_number": person.id_number, "name": person.name},
                                                submit=True), format="json")
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    assert api(applicant).get(LIST).json()["count"] == 1


def test_an_applicant_cannot_file_for_someone_else(crew):
    other = PersonFactory()
    response = api(crew.person).post(LIST, body(applicant={"id_number": other.id_number, "name": other.name}),
                                     format="json")
    assert response.status_code == 201
    assert Case.objects.get(ref=response.json()["ref"]).applicant_person == crew.person.person


@pytest.mark.parametrize(("method", "action"), [("get", ""), ("patch", ""), ("post", "submit"),
                                                ("post", "withdraw")])
def test_someone_elses_claim_does_not_exist(crew, method, action):
    case = file_claim(make_user("applicant_person"), "SYBZJ")
    response = getattr(api(crew.person), method)(url(case, action), {"data": {}}, format="json")
    assert response.status_code == 404 and error(response)["code"] in ("not_found", "error")
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_an_unknown_reference_or_another_apps_case_is_a_404(crew):
    assert api(crew.person).get(f"{LIST}SYBZJ-2026-NOSUCHXX/").status_code == 404


# --- 409 ------------------------------------------------------------------------------------------------------------

def test_a_double_click_without_a_key_files_one_claim(crew):
    client = api(crew.person)
    first = client.post(LIST, body(submit=True), format="json")
    second = client.post(LIST, body(submit=True), format="json")
    assert (first.status_code, second.status_code) == (201, 409)
    assert error(second)["code"] == "duplicate_claim" and error(second)["extra"]["ref"] == first.json()["ref"]
    assert first.json()["ref"] in error(second)["message"] and "在办" in error(second)["message"]
    assert Case.objects.count() == 1


def test_submitting_a_withdrawn_claim_is_a_409(crew):
    case = file_claim(crew.person, "SYBZJ")
    client = api(crew.person)
    assert client.post(url(case, "withdraw"), {}, format="json").json()["status"] == "withdrawn"
    response = client.post(url(case, "submit"), format="json")
    assert response.status_code == 409 and error(response)["code"] == "invalid_status"
    assert client.post(url(case, "withdraw"), {}, format="json").status_code == 409


def test_a_stale_withdrawal_is_a_409(crew):
    case = file_claim(crew.person, "SYBZJ", submit=True)
    response = api(crew.person).post(url(case, "withdraw"), {"version": case.version - 1}, format="json")
    assert response.status_code == 409 and error(response)["code"] == "stale"


def test_an_overlapping_benefit_is_a_409_and_the_draft_stays(crew):
    case = file_claim(crew.person, "SYBZJ")
    BenefitPeriod.objects.create(person=crew.person.person, benefit=BenefitPeriod.Benefit.TEMPORARY_ALLOWANCE,
                                 start_date=datetime.date(2020, 9, 1), end_date=datetime.date(2020, 11, 30),
                                 source=BenefitPeriod.Source.SOCIAL_INSURANCE)
    response = api(crew.person).post(url(case, "submit"), format="json")
    assert response.status_code == 409 and error(response)["code"] == "benefit_overlap"
    assert "农民工临时生活补助" in error(response)["message"]
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_the_fourth_skill_subsidy_of_a_year_is_a_409(crew):
    client = api(crew.person)
    for code in ("1-01", "1-02", "1-03"):
        assert client.post(LIST, body("JNTS", data=jnts_data(occupation_code=code), submit=True),
                           format="json").status_code == 201
    response = client.post(LIST, body("JNTS", data=jnts_data(occupation_code="1-04"), submit=True), format="json")
    assert response.status_code == 409 and error(response)["code"] == "yearly_limit"
    assert "每人每年最多享受 3 次技能提升补贴" in error(response)["message"]
    assert Case.objects.filter(kind="JNTS").count() == 3  # filing and submitting go together or not at all


def test_changing_a_submitted_claim_is_a_409(crew):
    case = file_claim(crew.person, "SYBZJ", submit=True)
    response = api(crew.person).patch(url(case), {"data": {"insured_months": 1}}, format="json")
    assert response.status_code == 409 and "已不能修改" in error(response)["message"]


# --- idempotency ------------------------------------------------------------------------------------------------------

def test_the_same_key_gives_the_same_response_and_one_claim(crew):
    client = api(crew.person)
    first = client.post(LIST, body(submit=True), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    again = client.post(LIST, body(submit=True), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(crew):
    client = api(crew.person)
    client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post(LIST, body(data=sybzj_data(insured_months=9)), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422 and error(response)["code"] == "idempotency_key_reused"
    assert "已用于另一个不同的请求" in error(response)["message"]
    assert Case.objects.count() == 1


def test_keys_are_per_user(crew):
    other = make_user("applicant_person")
    assert api(crew.person).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert api(other).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Case.objects.count() == 2


def test_a_failed_request_keeps_no_key_and_can_be_retried(crew):
    client = api(crew.person)
    bad = client.post(LIST, body(data=sybzj_data(category="nope")), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert bad.status_code == 400 and not IdempotencyKey.objects.exists()
    good = client.post(LIST, body(data=sybzj_data(category="nope")), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert good.status_code == 400  # the same request fails the same way; nothing was kept


def test_submit_with_a_key_is_replayed(crew):
    case = file_claim(crew.person, "SYBZJ")
    client = api(crew.person)
    first = client.post(url(case, "submit"), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    again = client.post(url(case, "submit"), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    other = file_claim(crew.person, "JNTS")
    response = client.post(url(other, "submit"), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.status == CaseStatus.DRAFT


# --- mass assignment, correction, withdrawal ------------------------------------------------------------------------

def test_patch_changes_only_the_claim_data(crew):
    case = file_claim(crew.person, "SYBZJ")
    other = PersonFactory()
    response = api(crew.person).patch(url(case), {
        "status": "approved", "approved_amount": "99999.00", "requested_amount": "99999.00",
        "applicant": {"id_number": other.id_number, "name": other.name}, "ref": "SYBZJ-2026-HACKED00",
        "data": {"insured_months": 10, "monthly_amount": "9999", "person": other.pk, "voided": True},
    }, format="json")
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    detail = UnemploymentSubsidyDetail.objects.get(case=case)
    assert (case.status, case.approved_amount, case.requested_amount) == (CaseStatus.DRAFT, None, None)
    assert case.applicant_person == crew.person.person and case.ref == response.json()["ref"]
    assert (detail.insured_months, detail.monthly_amount, detail.person_id, detail.voided) == (
        10, None, crew.person.person.pk, False)


def test_a_returned_claim_is_corrected_and_resubmitted(crew):
    case = move(file_claim(crew.person, "SYBZJ", submit=True), "return", crew.intake, comment="失业日期有误")
    client = api(crew.person)
    assert client.patch(url(case), {"data": {"unemployed_since": "2020-05-01"}}, format="json").status_code == 200
    response = client.post(url(case, "submit"), format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert BenefitPeriod.objects.get(case=case, voided=False).start_date == datetime.date(2020, 5, 1)


def test_withdrawal_frees_the_slot(crew):
    case = file_claim(crew.person, "SYBZJ", submit=True)
    assert api(crew.person).post(url(case, "withdraw"), {"version": case.version}, format="json").status_code == 200
    assert BenefitPeriod.objects.get(case=case).voided
    assert api(crew.person).post(LIST, body(), format="json").status_code == 201


def test_approved_claims_cannot_be_withdrawn(crew):
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    response = api(crew.person).post(url(case, "withdraw"), {}, format="json")
    assert response.status_code == 409


def test_a_hire_is_shown_with_a_masked_id_number(crew):
    number = make_id_number()
    response = api(crew.firm).post(LIST, {"kind": "XNJY", "data": {
        "hired_id_number": number, "hired_name": "王小二", "hired_on": "2025-03-01", "contract_months": 12}},
        format="json")
    assert response.status_code == 201
    assert number not in response.content.decode()
    assert response.json()["data"]["hired_id_number"] == number[:6] + "********" + number[-4:]



def test_an_enterprise_files_and_submits_a_job_expansion_claim(crew):
    number = make_id_number(birth=datetime.date(2003, 6, 1))
    data = {"hired_id_number": number, "hired_name": "李小青", "hired_on": "2025-03-01",
            "category": "unemployed_youth", "insured_months": 3}
    client = api(crew.firm)
    response = client.post(LIST, {"kind": "KGBZ", "data": data}, format="json")
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["status"] == "draft" and claim["kind_label"] == "一次性扩岗补助"
    assert claim["data"] == {**data, "hired_id_number": number[:6] + "********" + number[-4:],
                             "left_school_on": None}
    assert claim["amount"]["amount"] == "1500.00" and claim["amount"]["parameters"][0]["key"] == "kgbz.amount_per_hire"
    submitted = client.post(f"{LIST}{claim['ref']}/submit/", format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["requested_amount"] == "1500.00"


def test_a_job_expansion_claim_for_a_person_of_25_is_a_409_in_chinese(crew):
    data = {"hired_id_number": make_id_number(birth=datetime.date(1999, 6, 1)), "hired_name": "李小青",
            "hired_on": "2025-03-01", "category": "unemployed_youth", "insured_months": 3}
    response = api(crew.firm).post(LIST, {"kind": "KGBZ", "data": data, "submit": True}, format="json")
    assert response.status_code == 409 and error(response)["code"] == "youth_age"
    assert error(response)["message"] == "招用人员在招用之日为 25 周岁：登记失业青年须为 16 至 24 周岁。"
    assert not Case.objects.filter(kind="KGBZ").exists()

# --- the contract -----------------------------------------------------------------------------------------------------

def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_every_claims_endpoint_is_documented(crew):
    routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/subsidies/claims/")}
    assert routes == {"api/v1/subsidies/claims/", "api/v1/subsidies/claims/<str:ref>/",
                      "api/v1/subsidies/claims/<str:ref>/submit/", "api/v1/subsidies/claims/<str:ref>/withdraw/"}
    schema = api(crew.reviewer).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/subsidies/claims/", "/api/v1/subsidies/claims/{ref}/",
                 "/api/v1/subsidies/claims/{ref}/submit/", "/api/v1/subsidies/claims/{ref}/withdraw/"):
        assert path in schema["paths"]
    create = schema["components"]["schemas"]["ClaimCreateRequest"]
    assert create["discriminator"]["propertyName"] == "kind" and len(create["oneOf"]) == 7


def test_a_direct_refund_is_confirmed_on_its_own_page_not_edited_here(crew):
    from decimal import Decimal

    from guangyuan_jobs.casework.services import case_create_draft
    from subsidies.models import StablePostRefundDetail

    firm = crew.firm.enterprise
    case = case_create_draft(kind="WGFH", actor=make_user("entry"), applicant_enterprise=firm,
                             period_start=datetime.date(2025, 1, 1))
    StablePostRefundDetail.objects.create(
        case=case, enterprise=firm, premium_year=2025, size_class="sme", average_insured_staff=40,
        new_ui_claimants=1, prior_year_premiums=Decimal("30000"), contribution_months=24,
        channel=StablePostRefundDetail.Channel.DIRECT)
    client = api(crew.firm)
    assert client.get(url(case)).json()["amount"]["amount"] == "18000.00"
    patch = client.patch(url(case), {"data": {"prior_year_premiums": "300000"}}, format="json")
    assert patch.status_code == 403 and error(patch)["code"] == "confirm_refund"
    submit = client.post(url(case, "submit"), format="json")
    assert submit.status_code == 403 and error(submit)["code"] == "confirm_refund"
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert StablePostRefundDetail.objects.get(case=case).prior_year_premiums == Decimal("30000")
