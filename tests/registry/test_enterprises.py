"""Enterprises: public credit code, masked bank account with an audited reveal, effective-dated size class."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.registry.models import EnterpriseSizeClass
from guangyuan_jobs.registry.selectors import enterprise_size_class_on
from guangyuan_jobs.registry.services import enterprise_set_bank_account, enterprise_size_class_set
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
D = datetime.date
ACCOUNT = "510100123456789012"


@pytest.fixture
def enterprise():
    enterprise = EnterpriseFactory(name="广元市利州区示范有限公司")
    return enterprise_set_bank_account(enterprise=enterprise, bank_name="四川农信", account_name=enterprise.name,
                                       account=ACCOUNT, actor=None)


def test_size_class_periods_close_and_are_read_by_date(staff, enterprise):
    actor = staff("entry")
    enterprise_size_class_set(enterprise=enterprise, size_class="sme", valid_from=D(2020, 1, 1),
                              source="2020 四川社保减免分类", actor=actor)
    enterprise_size_class_set(enterprise=enterprise, size_class="large", valid_from=D(2023, 1, 1),
                              source="2022 年平均参保人数", actor=actor)
    first = enterprise.size_classes.get(valid_from=D(2020, 1, 1))
    assert first.valid_to == D(2022, 12, 31)
    assert enterprise_size_class_on(enterprise, D(2019, 12, 31)) is None
    assert enterprise_size_class_on(enterprise, D(2022, 12, 31)).size_class == "sme"
    assert enterprise_size_class_on(enterprise, D(2023, 1, 1)).size_class == "large"
    assert enterprise_size_class_on(enterprise, D(2023, 1, 1)).source == "2022 年平均参保人数"
    event = AuditEvent.objects.filter(event_type="registry.enterprise_size_class_set").order_by("-id").first()
    assert event.details["closed"] == {"size_class": "sme", "valid_to": "2022-12-31"}


def test_an_overlapping_size_class_is_refused(staff, enterprise):
    actor = staff("entry")
    enterprise_size_class_set(enterprise=enterprise, size_class="sme", valid_from=D(2023, 1, 1), source="a",
                              actor=actor)
    with pytest.raises(ValidationError):
        enterprise_size_class_set(enterprise=enterprise, size_class="large", valid_from=D(2022, 1, 1), source="b",
                                  actor=actor)
    assert list(enterprise.size_classes.values_list("size_class", "valid_from", "valid_to")) == [
        ("sme", D(2023, 1, 1), None)]


def test_postgres_refuses_overlapping_size_classes_written_around_the_service(require_postgres, enterprise):
    EnterpriseSizeClass.objects.create(enterprise=enterprise, size_class="sme", valid_from=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO registry_enterprisesizeclass (enterprise_id, size_class, valid_from, source)"
                       " VALUES (%s, 'large', '2021-01-01', '')", [enterprise.pk])


def test_list_and_detail_mask_the_bank_account_and_show_the_size_history(client, staff, enterprise):
    enterprise_size_class_set(enterprise=enterprise, size_class="sme", valid_from=D(2020, 1, 1), source="社保分类",
                              actor=None)
    client.force_login(staff("reviewer"))
    listing = client.get(reverse("registry:enterprise_list"))
    detail = client.get(reverse("registry:enterprise_detail", args=[enterprise.pk]))
    for response in (listing, detail):
        html = response.content.decode()
        assert response.status_code == 200
        assert enterprise.credit_code in html  # public
        assert ACCOUNT not in html and "510100********9012" in html
    assert "中小微" in listing.content.decode()
    assert "社保分类" in detail.content.decode()
    assert list(client.get(reverse("registry:enterprise_list"), {"size_class": "large"}).context["page_obj"]) == []
    assert list(client.get(reverse("registry:enterprise_list"), {"credit_code": enterprise.credit_code[-6:]}
                           ).context["page_obj"]) == [enterprise]


def test_the_bank_account_reveal_is_audited_and_refused_without_the_permission(client, staff, enterprise):
    url = reverse("registry:enterprise_reveal", args=[enterprise.pk])
    client.force_login(staff("reviewer"))
    assert client.post(url, {"reason": "核对"}, HTTP_HX_REQUEST="true").status_code == 403
    assert AuditEvent.objects.filter(event_type="registry.reveal_denied", object_type="registry.enterprise").exists()

    finance = staff("finance")
    client.force_login(finance)
    response = client.post(url, {"reason": "拨付前核对账户"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ACCOUNT in response.content.decode()
    event = AuditEvent.objects.get(event_type="registry.reveal", object_type="registry.enterprise")
    assert event.actor_id == finance.pk and event.details["reason"] == "拨付前核对账户"


def test_the_size_class_form(client, staff, enterprise):
    url = reverse("registry:enterprise_size_class", args=[enterprise.pk])
    client.force_login(staff("reviewer"))
    assert client.post(url, {"size_class": "large", "valid_from": "2024-01-01", "source": "x"}).status_code == 403

    client.force_login(staff("entry"))
    response = client.post(url, {"size_class": "large", "valid_from": "2024-01-01", "source": "2023 年平均参保人数"})
    assert response.status_code == 302
    assert enterprise_size_class_on(enterprise, D(2024, 6, 1)).size_class == "large"
    overlap = client.post(url, {"size_class": "sme", "valid_from": "2023-01-01", "source": "y"})
    assert overlap.status_code == 400 and "不得重叠" in overlap.content.decode()
    assert enterprise.size_classes.count() == 1
