"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100): DOMAIN.md §10 test vectors."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.registry.models import Enterprise, Person
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create


@pytest.mark.parametrize("number, birth, sex", [
    ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
    ("510802199001011236", datetime.date(1990, 1, 1), "M"),
    ("510824198512314566", datetime.date(1985, 12, 31), "F"),
    ("11010519491231002x", datetime.date(1949, 12, 31), "F"),  # a lower-case x is the same number
])
def test_valid_resident_ids(number, birth, sex):
    parsed = parse_resident_id(number)
    assert parsed.number == number.upper()
    assert (parsed.birth_date, parsed.sex, parsed.address_code) == (birth, sex, number[:6])


def test_a_guangyuan_id_from_before_1985_is_accepted_although_stdnum_refuses_its_birthplace():
    with pytest.raises(StdnumError):
        ric.validate("510802197506121239")  # stdnum: 510802 did not exist in 1975
    assert parse_resident_id("510802197506121239").birth_date == datetime.date(1975, 6, 12)


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum computes over all but the last character


@pytest.mark.parametrize("number, message", [
    ("510802199001011237", "校验码错误"),
    ("5108021990010112", "应为18位"),
    ("5108021990010112361", "应为18位"),
    ("51080219900101123A", "17位数字"),
    (_with_check("51080219900230123"), "不是有效日期"),
    (_with_check("51080220990101123"), "不合理"),
])
@pytest.mark.django_db
def test_invalid_resident_ids_are_refused_in_chinese(number, message):
    with pytest.raises(ValidationError) as caught:
        parse_resident_id(number)
    assert message in caught.value.messages[0]
    with pytest.raises(ValidationError):
        person_get_or_create(id_number=number, name="张三", actor=None)
    assert not Person.objects.exists()


@pytest.mark.parametrize("code", ["91510802MA62XK3P88", "91510802123456788N"])
def test_valid_credit_codes(code):
    parsed = parse_credit_code(code)
    assert (parsed.code, parsed.region_code, parsed.warnings) == (code, "510802", ())


@pytest.mark.django_db
def test_a_wrong_check_character_is_a_hard_failure():
    with pytest.raises(ValidationError) as caught:
        enterprise_get_or_create(credit_code="91510802MA62XK3P89", name="某公司", actor=None)
    assert "校验码错误" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        parse_credit_code("91510802MA62XK3P8")
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_failing_organisation_code_only_warns():
    body = "91510802" + "12345678" + "9"  # GB 11714 wants 8 here; early pilot codes look like this
    code = body + uscc.calc_check_digit(body)
    parsed = parse_credit_code(code)
    assert parsed.warnings and "组织机构代码" in parsed.warnings[0]
    enterprise = enterprise_get_or_create(credit_code=code, name="试点企业", actor=None)
    assert enterprise.credit_code == code
    assert "组织机构代码" in enterprise.credit_code_warning
