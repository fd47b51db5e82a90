"""People: encrypted at rest, found by keyed hash, shown masked on every page, revealed only with the
permission and a reason, and every reveal or refusal audited."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.registry.models import Person, Region
from guangyuan_jobs.registry.services import person_find, person_get_or_create, person_set_bank_account
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db
ID = "510802199001011236"
MASKED = "510802********1236"
PHONE = "13800138000"
ACCOUNT = "6222021234567890123"


@pytest.fixture
def person():
    person = person_get_or_create(id_number=ID, name="王小明", phone=PHONE, region=Region.objects.get(code="510802"),
                                  actor=None)
    return person_set_bank_account(person=person, bank_name="中国工商银行", account=ACCOUNT, actor=None)


def login(client, user):
    client.force_login(user)
    return client


def test_the_id_number_and_bank_account_are_encrypted_at_rest(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person WHERE id = %s", [person.pk])
        row = cursor.fetchone()
    columns = [str(value) for value in row]
    assert not [column for column in columns if ID in column or ACCOUNT in column]
    assert MASKED in columns
    assert person.id_number_hash == lookup_hash(ID)
    assert person_find(id_number=ID) == person
    assert person_find(id_number="11010519491231002X") is None
    assert Person.objects.get(pk=person.pk).id_number == ID  # the key from the environment reads it back


def test_the_same_number_is_one_person(person):
    again = person_get_or_create(id_number=" " + ID.lower() + " ", name="别名", actor=None)
    assert again.pk == person.pk
    assert Person.objects.count() == 1


def test_list_and_detail_show_only_masked_numbers_to_a_role_without_reveal(client, staff, person):
    login(client, staff("reviewer"))
    pages = [client.get(reverse("registry:person_list")),
             client.get(reverse("registry:person_detail", args=[person.pk]))]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert MASKED in html
        assert ID not in html
        assert PHONE not in html and "138****8000" in html
    detail = pages[1].content.decode()
    assert ACCOUNT not in detail and "622202*********0123" in detail
    assert "1990-01-01" not in detail and "1990年1月1日" not in detail  # the birth date would unmask the ID
    assert "显示完整号码" not in detail  # no reveal button for this role


def test_a_role_with_reveal_sees_masked_numbers_until_it_asks(client, staff, person):
    login(client, staff("archive"))
    html = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert ID not in html and MASKED in html
    assert "显示完整号码" in html


def test_an_audited_reveal_swaps_in_the_full_number(client, staff, person):
    archive = staff("archive")
    login(client, archive)
    url = reverse("registry:person_reveal", args=[person.pk])
    response = client.post(url, {"field": "id_number", "reason": "核对申请人身份"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert ID in html
    assert "<html" not in html  # a fragment for htmx to swap
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(event_type="registry.reveal")
    assert (event.actor_id, event.object_type, event.object_id) == (archive.pk, "registry.person", str(person.pk))
    assert event.details == {"field": "id_number", "reason": "核对申请人身份"}
    assert ID not in str(event.details)

    account = client.post(url, {"field": "bank_account", "reason": "发放核对"}, HTTP_HX_REQUEST="true")
    assert ACCOUNT in account.content.decode()


def test_a_reveal_without_a_reason_reveals_nothing(client, staff, person):
    login(client, staff("archive"))
    url = reverse("registry:person_reveal", args=[person.pk])
    response = client.post(url, {"field": "id_number", "reason": " "}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert ID not in html
    assert "请说明" in html
    page = client.post(url, {"field": "id_number"})
    assert page.status_code == 400 and ID not in page.content.decode()
    assert not AuditEvent.objects.filter(event_type="registry.reveal").exists()


def test_a_reveal_by_a_reviewer_is_refused_and_recorded(client, staff, person):
    reviewer = staff("reviewer")
    login(client, reviewer)
    response = client.post(reverse("registry:person_reveal", args=[person.pk]),
                           {"field": "id_number", "reason": "想看看"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert ID not in response.content.decode()
    denied = AuditEvent.objects.get(event_type="registry.reveal_denied")
    assert (denied.actor_id, denied.outcome, denied.object_id) == (reviewer.pk, "denied", str(person.pk))
    assert not AuditEvent.objects.filter(event_type="registry.reveal").exists()


def test_a_person_outside_the_staff_members_district_is_not_found(client, staff, person):
    login(client, staff("archive", region_code="510824"))
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 404
    response = client.post(reverse("registry:person_reveal", args=[person.pk]), {"reason": "核对"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event_type="registry.reveal").exists()
    assert MASKED not in client.get(reverse("registry:person_list")).content.decode()


def test_list_filters_and_pagination(client, staff, person):
    cangxi = Region.objects.get(code="510824")
    for n in range(30):
        person_get_or_create(id_number=make_id_number(region="510824", birth=datetime.date(1980, 5, 1), seq=n),
                             name=f"苍溪{n}", region=cangxi, actor=None)
    login(client, staff("intake"))
    url = reverse("registry:person_list")
    assert client.get(url).context["page_obj"].paginator.count == 31
    assert client.get(url, {"page": 2}).context["page_obj"].number == 2
    assert list(client.get(url, {"id_last4": "1236"}).context["page_obj"]) == [person]
    assert list(client.get(url, {"name": "小明"}).context["page_obj"]) == [person]
    assert client.get(url, {"region": "510824"}).context["page_obj"].paginator.count == 30
    bad = client.get(url, {"id_last4": "12"})
    assert bad.status_code == 200 and "后 4 位" in bad.content.decode()


def test_lookup_by_full_id_number(client, staff, person):
    login(client, staff("intake"))
    url = reverse("registry:person_lookup")
    response = client.post(url, {"id_number": ID})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert ID not in response["Location"]

    wrong = client.post(url, {"id_number": "510802199001011237"})
    assert wrong.status_code == 400 and "校验码错误" in wrong.content.decode()
    unknown = client.post(url, {"id_number": "11010519491231002X"})
    assert unknown.status_code == 400 and "没有登记" in unknown.content.decode()
    assert "11010519491231002X" not in unknown.content.decode()


def test_pages_need_the_view_permission(client, staff, person):
    login(client, staff("policy"))
    assert client.get(reverse("registry:person_list")).status_code == 403
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 403
