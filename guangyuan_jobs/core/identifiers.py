"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

python-stdnum checks the check digits. Its birthplace check is deliberately not used: it compares the
address code with the birth date and so refuses real IDs (DOMAIN.md §10.1).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F", from the parity of the 17th character
    address_code: str


def parse_resident_id(value: str) -> ResidentId:
    number = ric.compact(value or "").upper()
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("A resident ID number is 17 digits followed by a digit or X."), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The check digit of this resident ID number is wrong."), code="id_checksum")
    try:
        birth_date = ric.get_birth_date(number)
    except StdnumError as exc:
        raise ValidationError(_("The birth date in this resident ID number is not a real date."),
                              code="id_birth_date") from exc
    if birth_date > timezone.localdate() or birth_date.year < 1900:
        raise ValidationError(_("The birth date in this resident ID number is not possible."), code="id_birth_date")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth_date, sex=sex, address_code=number[:6])


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of age on `day`: one is a year older on the birthday (29 February's on 1 March in other years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class CreditCode:
    code: str
    region_code: str
    warnings: tuple[str, ...]


_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _organisation_code_valid(body: str) -> bool:
    """GB 11714 check on positions 9-17 of the credit code."""
    if any(c not in _ORG_CODE_ALPHABET for c in body):
        return False
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body[:8], _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(check, str(check))
    return body[8] == expected


def parse_credit_code(value: str) -> CreditCode:
    """Hard-fail on length, characters and the final check; only warn on the GB 11714 check (pilot codes)."""
    code = uscc.compact(value or "").upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    try:
        uscc.validate(code)
    except uscc.InvalidChecksum as exc:
        raise ValidationError(_("The check character of this credit code is wrong."), code="uscc_checksum") from exc
    except StdnumError as exc:
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc_format") from exc
    warnings = () if _organisation_code_valid(code[8:17]) else (
        str(_("The organisation code inside this credit code fails its check; verify it with the registry.")),
    )
    return CreditCode(code=code, region_code=code[2:8], warnings=warnings)
