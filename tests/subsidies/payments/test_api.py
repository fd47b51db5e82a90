"""The payment-batch API: contract, refusals, and every endpoint against every role."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from subsidies.models import PaymentBatch
from subsidies.services import payments
from tests.factories import make_user
from tests.subsidies.payments.conftest import payable_case, return_file

pytestmark = pytest.mark.django_db
UI = PaymentBatch.FundSource.UI_FUND
BASE = "/api/v1/subsidies/payment-batches/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def act(user, batch, action, version=None, **extra):
    return api(user).post(f"{BASE}{batch.ref}/actions/",
                          {"action": action, "version": version or batch.version, **extra}, format="json")


def test_the_whole_flow_through_the_api(crew, django_capture_on_commit_callbacks):
    case = payable_case(crew, amount="2500.00")
    created = api(crew.finance).post(BASE, {"fund_source": UI}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["item_count"] == 1 and body["total_amount"] == "2500.00"
    assert body["actions"] == ["lock", "cancel"]
    batch = PaymentBatch.objects.get(ref=body["ref"])
    items = api(crew.finance).get(f"{BASE}{batch.ref}/items/").json()["results"]
    person = case.applicant_person
    assert items[0]["account_masked"] == person.bank_account_masked and person.bank_account not in str(items)

    assert act(crew.finance, batch, "lock").status_code == 200
    batch.refresh_from_db()
    refused = act(crew.finance, batch, "approve")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "maker_checker"
    assert act(crew.finance2, batch, "approve", version=batch.version + 5).status_code == 409
    assert act(crew.finance2, batch, "approve").status_code == 200
    batch.refresh_from_db()
    assert act(crew.finance2, batch, "export").status_code == 200
    bank = api(crew.finance3).get(f"{BASE}{batch.ref}/bank-file/")
    assert bank.status_code == 200 and bank["Content-Disposition"].startswith("attachment")
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        returned = api(crew.finance3).post(f"{BASE}{batch.ref}/return-file/",
                                           {"version": batch.version,
                                            "file": return_file([(case.ref, "成功", "")])}, format="multipart")
    assert returned.status_code == 200, returned.json()
    report = api(crew.finance3).get(f"{BASE}{batch.ref}/reconciliation/").json()
    assert report["balanced"] is True and report["paid_total"] == "2500.00" and report["failed_total"] == "0.00"
    assert api(crew.finance).get(f"{BASE}{batch.ref}/").json()["status"] == "reconciled"


def test_bad_input_is_a_400_in_the_error_shape(crew):
    bad = api(crew.finance).post(BASE, {"fund_source": "piggy_bank"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    empty = api(crew.finance).post(BASE, {"fund_source": UI}, format="json")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "nothing_payable"
    payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    no_reason = act(crew.finance, batch, "cancel")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
    assert act(crew.finance, batch, "cancel", reason="建错了").status_code == 200


ENDPOINTS = [
    ("get", ""), ("post", ""), ("get", "{ref}/"), ("get", "{ref}/items/"), ("post", "{ref}/actions/"),
    ("post", "{ref}/return-file/"), ("get", "{ref}/bank-file/"), ("get", "{ref}/reconciliation/"),
]


@pytest.mark.parametrize("role", ["applicant_person", "applicant_enterprise", "intake", "reviewer", "approver",
                                  "manager", "auditor", "security", "admin"])
def test_no_role_but_finance_reaches_any_payment_endpoint(crew, role):
    payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    client = api(make_user(role))
    for method, path in ENDPOINTS:
        response = getattr(client, method)(BASE + path.format(ref=batch.ref), {}, format="json")
        assert response.status_code == 403, (role, method, path, response.status_code)
    batch.refresh_from_db()
    assert batch.status == "draft" and batch.version == 1


def test_finance_of_another_district_gets_404(crew):
    payable_case(crew, region="510802")
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance, region="510802")
    client = api(make_user("finance", region_code="510821"))
    assert client.get(BASE).json()["count"] == 0
    for method, path in ENDPOINTS[2:]:
        response = getattr(client, method)(BASE + path.format(ref=batch.ref), {}, format="json")
        assert response.status_code == 404, (method, path)


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_every_payment_endpoint_is_in_the_matrix():
    """A new payment-batch endpoint fails here until its access rules are added to ENDPOINTS above."""
    routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/subsidies/payment-batches/")}
    assert routes == {"api/v1/subsidies/payment-batches/" + path.replace("{ref}", "<str:ref>")
                      for _method, path in ENDPOINTS}


def test_schema_documents_the_payment_endpoints(crew):
    schema = api(crew.finance).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    assert {"/api/v1/subsidies/payment-batches/", "/api/v1/subsidies/payment-batches/{ref}/actions/",
            "/api/v1/subsidies/payment-batches/{ref}/return-file/"} <= paths
