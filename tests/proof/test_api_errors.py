"""Regressions for what the fuzzing found: under /api/ every refusal is the API's JSON error shape (an address no
route matches, a request Django refuses before any view), and a list filter outside its documented values is a
400 naming it in Chinese instead of a quietly empty list."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(role))
    return client


def test_an_unmatched_api_address_answers_json_404_and_a_page_address_html():
    response = signed_in("auditor").get("/api/v1/exports/not-a-job/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "未找到。"}}
    page = signed_in("auditor").get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_request_with_too_many_fields_answers_json_400(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field{n}": "x" for n in range(20)}
    response = APIClient().post("/api/v1/auth/token/", fields, format="multipart")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(("role", "url"), [
    ("reviewer", "/api/v1/cases/"),
    ("applicant_person", "/api/v1/subsidies/claims/"),
    ("finance", "/api/v1/subsidies/payment-batches/"),
    ("entry", "/api/v1/subsidies/roster-imports/"),
    ("reviewer", "/api/v1/subsidies/objections/"),
])
def test_a_status_filter_outside_the_documented_values_is_refused_and_an_empty_one_ignored(role, url):
    client = signed_in(role)
    refused = client.get(url, {"status": "no-such-status"})
    assert refused.status_code == 400
    assert "不是合法选项" in str(refused.json()["error"]["fields"]["status"])
    assert client.get(url, {"status": ""}).status_code == 200


def test_a_roster_year_that_is_not_a_year_is_refused():
    response = signed_in("entry").get("/api/v1/subsidies/roster-imports/", {"premium_year": "-4.5e-252"})
    assert response.status_code == 400 and "premium_year" in response.json()["error"]["fields"]
