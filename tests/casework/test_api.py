"""The case API: contract, errors, and the role x endpoint x own/other's matrix (RELIABILITY.md: access)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.selectors import case_scope
from tests.casework.conftest import TEST_AMOUNT, case_at, new_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def detail_url(case) -> str:
    return f"/api/v1/cases/{case.ref}/"


def transition(client, case, action, *, version=None, **extra):
    body = {"action": action, "version": case.version if version is None else version, **extra}
    return client.post(f"/api/v1/cases/{case.ref}/transitions/", body, format="json")


def test_list_items_carry_the_contract_and_mask_the_id_number(crew):
    case = case_at("accepted", crew)
    body = api(crew.reviewer).get(LIST).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) >= {"ref", "kind", "kind_label", "status", "version", "region", "applicant",
                         "requested_amount", "approved_amount", "due_date", "overdue"}
    assert item["ref"] == case.ref and item["kind_label"] == "测试补贴" and item["status"] == "accepted"
    assert item["version"] == case.version and item["region"] == "510802" and item["overdue"] is False
    person = case.applicant_person
    assert person.id_number_masked in item["applicant"] and person.id_number not in str(body)


def test_list_filters(crew):
    case_at("accepted", crew)
    case_at("submitted", crew, region="510821")
    client = api(crew.reviewer)
    assert client.get(LIST, {"status": "accepted"}).json()["count"] == 1
    assert client.get(LIST, {"region": "510821"}).json()["count"] == 1
    assert client.get(LIST, {"kind": "TEST"}).json()["count"] == 2
    assert client.get(LIST, {"kind": "NOPE"}).json()["count"] == 0


def test_detail_has_timeline_missing_materials_and_allowed_actions(crew):
    case = case_at("submitted", crew)
    case.refresh_from_db()
    response = transition(api(crew.intake), case, "accept_incomplete", comment="先受理",
                          missing_materials=[{"code": "BANK", "label": ""}])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted" and body["version"] == case.version + 1
    assert [m["material_code"] for m in body["missing_materials"]] == ["BANK"]
    assert [t["action"] for t in body["timeline"]] == ["create", "submit", "accept_incomplete"]
    assert body["allowed_actions"] == []  # the intake clerk's part is done
    reviewer_view = api(crew.reviewer).get(detail_url(case)).json()
    assert set(reviewer_view["allowed_actions"]) == {"review", "return", "refuse"}
    applicant_view = api(crew.applicant).get(detail_url(case)).json()
    assert applicant_view["allowed_actions"] == ["withdraw"]
    assert all(t["actor"] is None for t in applicant_view["timeline"])  # staff names stay inside


def test_transition_errors(crew):
    case = case_at("submitted", crew)
    client = api(crew.intake)
    stale = transition(client, case, "accept", version=case.version + 5)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    wrong_stage = transition(client, case, "publicize")
    assert wrong_stage.status_code in (403, 409)
    no_reason = transition(client, case, "reject", comment="")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
    bad = client.post(f"/api/v1/cases/{case.ref}/transitions/", {"action": "fly"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"action", "version"}
    assert transition(client, case, "lapse").status_code == 400  # a system action is not offered
    assert api(crew.intake).get("/api/v1/cases/NOPE-2026-XXXXXXXX/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    assert transition(client, case, "accept").status_code == 200


def test_mass_assignment_is_ignored(crew):
    case = case_at("accepted", crew)
    response = transition(api(crew.reviewer), case, "review", status="paid", approved_amount="999999",
                          applicant="someone")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED and case.approved_amount == TEST_AMOUNT


def test_anonymous_is_refused():
    assert api().get(LIST).status_code in (401, 403)


# Who asks, and what they get from the list (how many of the 2 Lizhou cases), the detail and a "review".
MATRIX = {
    # role:             (list count, detail, POST review)
    "owner":            (1, 200, 403),
    "other_applicant":  (0, 404, 404),
    "enterprise":       (0, 404, 404),
    "intake_in":        (2, 200, 403),
    "reviewer_in":      (2, 200, 200),
    "reviewer_out":     (0, 404, 404),
    "reviewer_city":    (0, 404, 404),  # 市本级 scope: cases registered on the city itself
    "approver":         (2, 200, 403),
    "finance":          (2, 200, 403),
    "manager":          (2, 200, 403),
    "auditor":          (2, 200, 403),
    "security":         (None, 403, 403),
    "admin":            (None, 403, 403),
}


def _user_for(role, crew):
    return {
        "owner": lambda: crew.applicant,
        "other_applicant": lambda: make_user("applicant_person"),
        "enterprise": lambda: make_user("applicant_enterprise"),
        "intake_in": lambda: make_user("intake", region_code="510802"),
        "reviewer_in": lambda: make_user("reviewer", region_code="510802"),
        "reviewer_out": lambda: make_user("reviewer", region_code="510821"),
        "reviewer_city": lambda: make_user("reviewer", scope="city_level"),
    }.get(role, lambda: make_user(role))()


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(crew, role):
    case = case_at("accepted", crew)
    case_at("submitted", crew, applicant=make_user("applicant_person"))
    user = _user_for(role, crew)
    count, detail_status, review_status = MATRIX[role]
    client = api(user)
    listing = client.get(LIST)
    if count is None:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200 and listing.json()["count"] == count
        assert count == case_scope(Case.objects.all(), user=user).count()
    assert client.get(detail_url(case)).status_code == detail_status
    case.refresh_from_db()
    assert transition(client, case, "review").status_code == review_status
    expected = CaseStatus.REVIEWED if review_status == 200 else CaseStatus.ACCEPTED
    assert Case.objects.get(pk=case.pk).status == expected


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_case_endpoint_is_in_the_matrix():
    """A new case endpoint fails here until its access rules are added to the matrix above."""
    case_api = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/cases/")}
    assert case_api == {"api/v1/cases/", "api/v1/cases/<str:ref>/", "api/v1/cases/<str:ref>/transitions/"}


def test_district_reviewer_never_sees_another_district(crew, client):
    mine = [case_at("accepted", crew, region="510821") for _ in range(2)]
    theirs = case_at("accepted", crew, region="510802")
    reviewer = make_user("reviewer", region_code="510821")
    assert api(reviewer).get(LIST).json()["count"] == 2
    assert api(reviewer).get(detail_url(theirs)).status_code == 404
    assert transition(api(reviewer), theirs, "review").status_code == 404
    client.force_login(reviewer)
    inbox = client.get("/cases/").content.decode()
    assert all(c.ref in inbox for c in mine) and theirs.ref not in inbox
    assert client.get(f"/cases/{theirs.ref}/").status_code == 404
    assert client.post(f"/cases/{theirs.ref}/transition/", {"action": "review", "version": theirs.version}
                       ).status_code == 404


def test_schema_documents_the_case_endpoints():
    schema = api(make_user("reviewer")).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{ref}/", "/api/v1/cases/{ref}/transitions/"} <= set(paths)


def test_applicant_resubmits_through_the_api(crew):
    case = case_at("submitted", crew)
    assert transition(api(crew.intake), case, "return", comment="请补正银行卡").status_code == 200
    case.refresh_from_db()
    response = transition(api(crew.applicant), case, "resubmit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_enterprise_applicant_sees_its_own_claims(crew, enterprise_applicant):
    own = new_case(enterprise_applicant, kind="TESTE")
    case_at("submitted", crew)
    body = api(enterprise_applicant).get(LIST).json()
    assert [i["ref"] for i in body["results"]] == [own.ref]
    assert own.applicant_enterprise.credit_code in body["results"][0]["applicant"]


def test_drafts_stay_with_their_applicant(crew):
    draft = new_case(crew.applicant, submit=False)
    assert api(crew.reviewer).get(LIST).json()["count"] == 0
    assert api(crew.reviewer).get(detail_url(draft)).status_code == 404
    assert [i["ref"] for i in api(crew.applicant).get(LIST).json()["results"]] == [draft.ref]
