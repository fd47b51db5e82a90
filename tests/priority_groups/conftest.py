"""Priority-group fixtures: caseworkers of the whole city and of one county, people born on chosen dates in
chosen counties, and rosters built as real .xlsx files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guangyuan_jobs.registry.models import Region
from priority_groups.models import GroupCode
from priority_groups.services.people import membership_add, status_record
from tests.factories import PersonFactory, make_id_number, make_user

WANGCANG, QINGCHUAN, LIZHOU = "510821", "510822", "510802"


@pytest.fixture
def caseworker(db):
    return make_user("group_caseworker", display_name="李经办")


@pytest.fixture
def wangcang_caseworker(db):
    return make_user("group_caseworker", region_code=WANGCANG, display_name="旺苍经办")


def person_in(region_code: str = LIZHOU, *, birth=datetime.date(1995, 3, 1), male=True, name=None):
    kwargs = {"region": Region.objects.get(code=region_code),
              "id_number": make_id_number(region=region_code, birth=birth, male=male)}
    if name:
        kwargs["name"] = name
    return PersonFactory(**kwargs)


def group(code: str) -> GroupCode:
    return GroupCode.objects.get(code=code)


def in_group(person, code: str, actor, *, since=datetime.date(2020, 7, 1), until=None):
    return membership_add(person=person, group=group(code), valid_from=since, valid_to=until,
                          evidence="测试名单", actor=actor)


def with_status(person, status: str, since: datetime.date, actor):
    return status_record(person=person, status=status, valid_from=since, actor=actor)


ROSTER_HEADER = ["身份证号", "姓名", "联系电话", "所在地区代码", "备注"]


def xlsx_bytes(rows, *, header=ROSTER_HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "graduates.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
