"""The payment-batch pages: who may open them, what they show, the moves made through them."""

import pytest

from guangyuan_jobs.audit.models import AuditEvent
from subsidies.models import PaymentBatch
from subsidies.services import payments
from tests.factories import make_user
from tests.subsidies.payments.conftest import payable_case, return_file

pytestmark = pytest.mark.django_db
UI = PaymentBatch.FundSource.UI_FUND


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ["reviewer", "approver", "manager", "auditor", "applicant_person"])
def test_only_finance_staff_open_the_batch_pages(crew, client, role):
    payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    other = make_user(role)
    for url in ("/subsidies/payment-batches/", "/subsidies/payment-batches/new/",
                f"/subsidies/payment-batches/{batch.ref}/", f"/subsidies/payment-batches/{batch.ref}/progress/"):
        assert page(client, other, url).status_code == 403
    response = client.post(f"/subsidies/payment-batches/{batch.ref}/action/", {"action": "lock", "version": 1})
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_a_district_finance_user_sees_only_their_districts_batches(crew, client):
    payable_case(crew, region="510802")
    payable_case(crew, region="510821")
    mine = payments.payment_batch_create(fund_source=UI, actor=crew.finance, region="510821")
    theirs = payments.payment_batch_create(fund_source=UI, actor=crew.finance, region="510802")
    county = make_user("finance", region_code="510821")
    listing = page(client, county, "/subsidies/payment-batches/").content.decode()
    assert mine.ref in listing and theirs.ref not in listing
    assert page(client, county, f"/subsidies/payment-batches/{theirs.ref}/").status_code == 404
    assert client.post(f"/subsidies/payment-batches/{theirs.ref}/action/",
                       {"action": "lock", "version": theirs.version}).status_code == 404


def test_build_lock_approve_and_reconcile_through_the_pages(crew, client, django_capture_on_commit_callbacks):
    case = payable_case(crew, amount="1500.00")
    client.force_login(crew.finance)
    new = client.get("/subsidies/payment-batches/new/")
    assert new.status_code == 200 and "测试拨付补贴" in new.content.decode()
    response = client.post("/subsidies/payment-batches/new/", {"fund_source": UI, "region": ""})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/subsidies/payment-batches/{batch.ref}/"

    detail = client.get(response["Location"]).content.decode()
    assert case.ref in detail and "1500.00" in detail and "锁定" in detail
    client.post(f"/subsidies/payment-batches/{batch.ref}/action/", {"action": "lock", "version": batch.version})
    batch.refresh_from_db()
    assert batch.status == "locked"

    # The builder may not approve: the page says why and nothing changes.
    refused = client.post(f"/subsidies/payment-batches/{batch.ref}/action/",
                          {"action": "approve", "version": batch.version})
    assert refused.status_code == 403 and "另一位同事" in refused.content.decode()
    batch.refresh_from_db()
    assert batch.status == "locked"

    client.force_login(crew.finance2)
    detail = client.get(f"/subsidies/payment-batches/{batch.ref}/").content.decode()
    assert "审批" in detail
    client.post(f"/subsidies/payment-batches/{batch.ref}/action/", {"action": "approve", "version": batch.version})
    batch.refresh_from_db()
    client.post(f"/subsidies/payment-batches/{batch.ref}/action/", {"action": "export", "version": batch.version})
    batch.refresh_from_db()
    assert batch.status == "exported"

    client.force_login(crew.finance3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/subsidies/payment-batches/{batch.ref}/return-file/",
                               {"version": batch.version, "file": return_file([(case.ref, "成功", "")])})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "reconciled"
    detail = client.get(f"/subsidies/payment-batches/{batch.ref}/").content.decode()
    assert "已对账" in detail and "平衡" in detail


def test_a_stale_page_and_a_bad_return_file_are_told_and_change_nothing(crew, client):
    case = payable_case(crew)
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    client.force_login(crew.finance)
    stale = client.post(f"/subsidies/payment-batches/{batch.ref}/action/", {"action": "lock", "version": 99})
    assert stale.status_code == 409 and "请刷新页面" in stale.content.decode()
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    batch = payments.payment_batch_approve(batch=batch, actor=crew.finance2)
    batch = payments.payment_batch_export(batch=batch, actor=crew.finance2)
    bad = client.post(f"/subsidies/payment-batches/{batch.ref}/return-file/",
                      {"version": batch.version, "file": return_file([(case.ref, "也许", "")])})
    assert bad.status_code == 400 and "第2行" in bad.content.decode()
    batch.refresh_from_db()
    assert batch.status == "exported"
    empty = client.post("/subsidies/payment-batches/new/", {"fund_source": UI})
    assert empty.status_code == 400
    assert AuditEvent.objects.filter(event_type="subsidies.payment_batch_return_read").count() == 0


def test_list_filters_and_pages(crew, client):
    for _ in range(3):
        payable_case(crew)
        payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    locked = payments.payment_batch_lock(batch=PaymentBatch.objects.first(), actor=crew.finance)
    client.force_login(crew.finance)
    body = client.get("/subsidies/payment-batches/", {"status": "locked"}).content.decode()
    assert locked.ref in body and body.count("/subsidies/payment-batches/BFPC-") == 1
    assert client.get("/subsidies/payment-batches/").content.decode().count("/subsidies/payment-batches/BFPC-") == 3
    assert client.get("/subsidies/payment-batches/", {"date_from": "not a date"}).status_code == 200
