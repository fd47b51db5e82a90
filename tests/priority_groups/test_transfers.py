"""Organised transfers, employment bases and workshops, village monitoring returns."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Region
from priority_groups.models import EmploymentStatus, VillageReturn
from priority_groups.selectors import status_on
from priority_groups.services.transfers import (
    base_create,
    base_worker_add,
    trip_create,
    trip_member_add,
    village_return_submit,
)
from tests.factories import make_id_number
from tests.priority_groups.conftest import QINGCHUAN, WANGCANG, person_in

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_transfer_trip_records_its_people_employed_away(caseworker):
    wangcang = Region.objects.get(code=WANGCANG)
    trip = trip_create(cooperation="chongqing", destination="重庆市两江新区", region=wangcang,
                       departed_on=D(2026, 2, 20), transport="返岗专车", actor=caseworker)
    person = person_in(WANGCANG)
    trip_member_add(trip=trip, person=person, employer_name="重庆某汽车有限公司", actor=caseworker)
    assert status_on(person, D(2026, 2, 20)).status == "employed_out_province"
    with pytest.raises(ConflictError):
        trip_member_add(trip=trip, person=person, employer_name="重庆某汽车有限公司", actor=caseworker)


def test_a_workshop_worker_is_employed_locally(caseworker):
    base = base_create(name="白水村扶贫车间", kind="workshop", region=Region.objects.get(code=WANGCANG),
                       operator_name="旺苍县某服饰有限公司", established_on=D(2020, 5, 1), actor=caseworker)
    person = person_in(WANGCANG)
    base_worker_add(base=base, person=person, started_on=D(2026, 3, 1), actor=caseworker)
    assert EmploymentStatus.objects.get(person=person).status == "employed_local"
    with pytest.raises(ConflictError):
        base_worker_add(base=base, person=person, started_on=D(2026, 4, 1), actor=caseworker)


def test_village_returns_are_checked_and_replaced(caseworker, wangcang_caseworker):
    village = Region.objects.create(code="510821101201", name="白水村", level="village", parent_id=WANGCANG)
    other = Region.objects.create(code="510822101201", name="青溪村", level="village", parent_id=QINGCHUAN)
    with pytest.raises(ValidationError):
        village_return_submit(region=village, month=D(2026, 3, 15), migrants_out=100, returned=120,
                              employed_locally=0, not_working=0, actor=caseworker)
    village_return_submit(region=village, month=D(2026, 3, 15), migrants_out=320, returned=40, employed_locally=25,
                          not_working=15, actor=wangcang_caseworker)
    village_return_submit(region=village, month=D(2026, 3, 31), migrants_out=318, returned=42, employed_locally=27,
                          not_working=15, actor=wangcang_caseworker)
    row = VillageReturn.objects.get()
    assert row.month == D(2026, 3, 1) and row.returned == 42
    with pytest.raises(Exception) as exc:
        village_return_submit(region=other, month=D(2026, 3, 1), migrants_out=1, returned=0, employed_locally=0,
                              not_working=0, actor=wangcang_caseworker)
    assert exc.type.__name__ == "ForbiddenError" and VillageReturn.objects.count() == 1


def test_the_pages(client, caseworker):
    client.force_login(caseworker)
    response = client.post("/priority-groups/transfers/", {
        "cooperation": "xian", "destination": "西安市高新区", "region": WANGCANG, "departed_on": "2026-02-18"})
    assert response.status_code == 302
    detail = response["Location"]
    number = make_id_number(region=WANGCANG)
    assert client.post(detail, {"id_number": number, "name": "冯远", "employer_name": "西安某电子有限公司"}
                       ).status_code == 302
    page = client.get(detail).content.decode()
    assert "冯远" in page and number not in page
    bad = client.post("/priority-groups/bases/", {"name": "", "kind": "base", "region": WANGCANG})
    assert bad.status_code == 400
    assert "就业基地" in client.get("/priority-groups/bases/").content.decode()
    assert client.get("/priority-groups/villages/").status_code == 200
