"""The departments' data, one adapter per kind of file, behind one interface (`Source`): a row's cells by
field name in, a validated `SourceRecord` out. The file import (services/imports.py) reads an .xlsx sheet
into such rows; a live data exchange can later feed the same adapters rows from its API instead.

Each adapter names its columns (the departments' usual Chinese titles, and English ones), its record kind
and the natural key that makes two rows the same fact.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.core.xlsx import read_choice, read_decimal, read_int, read_text
from integrity.models import RecordKind
from integrity.rules import resident_id_upgrade

EARLIEST_DAY = datetime.date(1900, 1, 1)
MONEY_MAX = Decimal("999999999999.99")


class RowRejected(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class SourceRecord:
    """One fact from a department, checked. `id_number` is the full number: it is hashed and masked when
    stored, never kept."""

    kind: str
    natural_key: tuple
    id_number: str = ""
    person_name: str = ""
    credit_code: str = ""
    firm_name: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    amount: Decimal | None = None
    attributes: dict = field(default_factory=dict)


class Source(Protocol):
    code: str
    department: str
    label: str
    record_kind: str
    columns: Mapping[str, tuple[str, ...]]  # field -> accepted column titles (the first is the template's)

    def parse(self, row: Mapping[str, Any]) -> SourceRecord:
        """The record of one row, or RowRejected listing every bad cell."""


# --- reading cells ----------------------------------------------------------------------------------------


def read_date(value, *, required: bool = True) -> datetime.date | None:
    """A date cell, or text as 2024-03-01, 2024/3/1 or 20240301."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = read_text(value, max_length=20, required=required)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
        if day < EARLIEST_DAY:
            break
        return day
    raise ValueError(_("not a date (write it as 2024-03-01)"))


def read_id_number(value) -> str:
    """An 18-digit resident ID number, or an old 15-digit one read as its 18-digit form."""
    text = read_text(value, max_length=20).upper()
    if len(text) == 15 and text.isdigit():
        text = resident_id_upgrade(text)
    try:
        return parse_resident_id(text).number
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


def read_credit_code(value) -> str:
    try:
        return parse_credit_code(read_text(value, max_length=40)).code
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


class _Adapter:
    """Reads each field with its converter and collects every bad cell, so a row is reported once, whole."""

    code: ClassVar[str]
    department: ClassVar[Any]
    label: ClassVar[Any]
    record_kind: ClassVar[str]
    columns: ClassVar[dict[str, tuple[str, ...]]]
    titles: ClassVar[dict[str, Any]]

    def _read(self, row: Mapping[str, Any], converters: Mapping[str, Callable]) -> dict:
        values, reasons = {}, []
        for name, convert in converters.items():
            try:
                values[name] = convert(row.get(name))
            except ValueError as exc:
                reasons.append(f"{self.titles[name]}: {exc}")
        if reasons:
            raise RowRejected(reasons)
        return values

    @staticmethod
    def _ordered(values: dict, start: str, end: str) -> None:
        if values.get(end) and values.get(start) and values[end] < values[start]:
            raise RowRejected([_("The end date is before the start date.")])

    @staticmethod
    def _not_future(day: datetime.date | None, title) -> None:
        if day and day > timezone.localdate():
            raise RowRejected([_("%(title)s: a date in the future") % {"title": title}])

    @classmethod
    def template_titles(cls) -> list[str]:
        return [titles[0] for titles in cls.columns.values()]


def _optional_choice(value, choices: Mapping[str, str]) -> str:
    return read_choice(value, choices) if read_text(value, max_length=32, required=False) else ""


def _text(max_length: int, required: bool = True):
    return lambda v: read_text(v, max_length=max_length, required=required)


ID = ("公民身份号码", "身份证号码", "身份证号", "ID number")
NAME = ("姓名", "name")
CREDIT = ("统一社会信用代码", "信用代码", "credit code")
FIRM = ("单位名称", "企业名称", "firm name")
PERSON_TITLES = {"id_number": gettext_lazy("ID number"), "name": gettext_lazy("Name")}


class InsuredSpellSource(_Adapter):
    """社保: who was insured by which employer, and from when to when (an open end: still insured)."""

    code = "si_insured"
    department = gettext_lazy("Social insurance agency (社保经办机构)")
    label = gettext_lazy("Insured employment (参保缴费)")
    record_kind = RecordKind.INSURED_SPELL
    columns = {"id_number": ID, "name": NAME, "credit_code": CREDIT, "firm_name": FIRM,
               "start": ("参保开始日期", "开始日期", "from"), "end": ("参保终止日期", "终止日期", "to"),
               "months": ("缴费月数", "months")}
    titles = {**PERSON_TITLES, "credit_code": gettext_lazy("Employer's credit code"),
              "firm_name": gettext_lazy("Employer"), "start": gettext_lazy("From"), "end": gettext_lazy("To"),
              "months": gettext_lazy("Months paid")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "credit_code": read_credit_code,
                             "firm_name": _text(128), "start": read_date,
                             "end": lambda x: read_date(x, required=False),
                             "months": lambda x: read_int(x, minimum=0, maximum=1200)})
        self._ordered(v, "start", "end")
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"], v["credit_code"], v["start"]),
                            id_number=v["id_number"], person_name=v["name"], credit_code=v["credit_code"],
                            firm_name=v["firm_name"], start_date=v["start"], end_date=v["end"],
                            attributes={"months": v["months"]})


class UiBenefitSource(_Adapter):
    """社保: unemployment-insurance benefit (失业保险金) paid to a person from one date to another."""

    code = "si_ui_benefit"
    department = InsuredSpellSource.department
    label = gettext_lazy("Unemployment-insurance benefit (失业保险金)")
    record_kind = RecordKind.UI_BENEFIT
    columns = {"id_number": ID, "name": NAME, "start": ("领取开始日期", "开始日期", "from"),
               "end": ("领取终止日期", "终止日期", "to"), "monthly": ("月发放标准", "月标准", "monthly amount")}
    titles = {**PERSON_TITLES, "start": gettext_lazy("From"), "end": gettext_lazy("To"),
              "monthly": gettext_lazy("Monthly amount")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "start": read_date,
                             "end": lambda x: read_date(x, required=False),
                             "monthly": lambda x: read_decimal(x, minimum=Decimal(0), maximum=MONEY_MAX)})
        self._ordered(v, "start", "end")
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"], v["start"]), id_number=v["id_number"],
                            person_name=v["name"], start_date=v["start"], end_date=v["end"], amount=v["monthly"])


class ArrearsSource(_Adapter):
    """社保: a firm's social-insurance arrears on a date (a firm in arrears may not borrow, DOMAIN.md §5.4)."""

    code = "si_arrears"
    department = InsuredSpellSource.department
    label = gettext_lazy("Social-insurance arrears (欠费)")
    record_kind = RecordKind.ARREARS
    columns = {"credit_code": CREDIT, "firm_name": FIRM, "as_of": ("欠费截止日期", "截止日期", "as of"),
               "amount": ("欠费金额", "金额", "amount"), "months": ("欠费月数", "months")}
    titles = {"credit_code": gettext_lazy("Credit code"), "firm_name": gettext_lazy("Firm"),
              "as_of": gettext_lazy("As of"), "amount": gettext_lazy("Arrears"), "months": gettext_lazy("Months")}

    def parse(self, row):
        v = self._read(row, {"credit_code": read_credit_code, "firm_name": _text(128), "as_of": read_date,
                             "amount": lambda x: read_decimal(x, minimum=Decimal("0.01"), maximum=MONEY_MAX),
                             "months": lambda x: read_int(x, minimum=0, maximum=1200)})
        self._not_future(v["as_of"], self.titles["as_of"])
        return SourceRecord(kind=self.record_kind, natural_key=(v["credit_code"], v["as_of"]),
                            credit_code=v["credit_code"], firm_name=v["firm_name"], start_date=v["as_of"],
                            amount=v["amount"], attributes={"months": v["months"]})


FIRM_STATUSES = {"存续": "operating", "在业": "operating", "开业": "operating", "operating": "operating",
                 "注销": "deregistered", "deregistered": "deregistered", "吊销": "revoked", "revoked": "revoked",
                 "经营异常": "abnormal", "abnormal": "abnormal"}
FIRM_STATUS_LABELS = {"operating": gettext_lazy("operating"), "deregistered": gettext_lazy("deregistered"),
                      "revoked": gettext_lazy("revoked"), "abnormal": gettext_lazy("listed as abnormal")}
FIRM_SIZES = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro", "large": "large",
              "medium": "medium", "small": "small", "micro": "micro"}


class FirmStatusSource(_Adapter):
    """市场监管: a firm's registration status, the date it was deregistered or revoked, its size."""

    code = "market_firm_status"
    department = gettext_lazy("Market regulation (市场监管)")
    label = gettext_lazy("Firm registration status (企业登记状态)")
    record_kind = RecordKind.FIRM_STATUS
    columns = {"credit_code": CREDIT, "firm_name": FIRM, "status": ("登记状态", "状态", "status"),
               "established": ("成立日期", "established"), "closed": ("注销/吊销日期", "注销日期", "closed on"),
               "size": ("企业规模", "规模", "size")}
    titles = {"credit_code": gettext_lazy("Credit code"), "firm_name": gettext_lazy("Firm"),
              "status": gettext_lazy("Status"), "established": gettext_lazy("Established"),
              "closed": gettext_lazy("Deregistered or revoked on"), "size": gettext_lazy("Size")}

    def parse(self, row):
        v = self._read(row, {"credit_code": read_credit_code, "firm_name": _text(128),
                             "status": lambda x: read_choice(x, FIRM_STATUSES), "established": read_date,
                             "closed": lambda x: read_date(x, required=False),
                             "size": lambda x: _optional_choice(x, FIRM_SIZES)})
        self._ordered(v, "established", "closed")
        closing = v["status"] in ("deregistered", "revoked")
        if closing != bool(v["closed"]):
            raise RowRejected([_("A deregistered or revoked firm needs the date it closed, and only such a firm.")])
        return SourceRecord(kind=self.record_kind, natural_key=(v["credit_code"],), credit_code=v["credit_code"],
                            firm_name=v["firm_name"], start_date=v["established"], end_date=v["closed"],
                            attributes={"status": v["status"], "status_label": str(FIRM_STATUS_LABELS[v["status"]]),
                                        "size": v["size"]})


class DeathSource(_Adapter):
    """公安: deaths registered (户籍注销)."""

    code = "police_death"
    department = gettext_lazy("Public security (公安)")
    label = gettext_lazy("Deaths (死亡注销)")
    record_kind = RecordKind.DEATH
    columns = {"id_number": ID, "name": NAME, "died_on": ("死亡日期", "died on")}
    titles = {**PERSON_TITLES, "died_on": gettext_lazy("Died on")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "died_on": read_date})
        self._not_future(v["died_on"], self.titles["died_on"])
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"],), id_number=v["id_number"],
                            person_name=v["name"], start_date=v["died_on"])


class CustodySource(_Adapter):
    """司法: people serving a sentence, from admission to release (an open end: still inside)."""

    code = "justice_custody"
    department = gettext_lazy("Justice (司法行政)")
    label = gettext_lazy("People in prison (服刑人员)")
    record_kind = RecordKind.CUSTODY
    columns = {"id_number": ID, "name": NAME, "start": ("入监日期", "收监日期", "from"),
               "end": ("释放日期", "出监日期", "to"), "institution": ("监所", "institution")}
    titles = {**PERSON_TITLES, "start": gettext_lazy("From"), "end": gettext_lazy("To"),
              "institution": gettext_lazy("Institution")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "start": read_date,
                             "end": lambda x: read_date(x, required=False), "institution": _text(128, required=False)})
        self._ordered(v, "start", "end")
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"], v["start"]), id_number=v["id_number"],
                            person_name=v["name"], start_date=v["start"], end_date=v["end"],
                            attributes={"institution": v["institution"]})


class MinimumLivingSource(_Adapter):
    """民政: households on the minimum living allowance (低保), each member with the period."""

    code = "civil_minimum_living"
    department = gettext_lazy("Civil affairs (民政)")
    label = gettext_lazy("Minimum living allowance (低保)")
    record_kind = RecordKind.MINIMUM_LIVING
    columns = {"id_number": ID, "name": NAME, "start": ("享受开始日期", "开始日期", "from"),
               "end": ("享受终止日期", "终止日期", "to"), "kind": ("低保类别", "城乡类别", "urban or rural")}
    titles = {**PERSON_TITLES, "start": gettext_lazy("From"), "end": gettext_lazy("To"),
              "kind": gettext_lazy("Urban or rural")}
    KINDS = {"城市": "urban", "城镇": "urban", "农村": "rural", "urban": "urban", "rural": "rural"}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "start": read_date,
                             "end": lambda x: read_date(x, required=False),
                             "kind": lambda x: read_choice(x, self.KINDS)})
        self._ordered(v, "start", "end")
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"], v["start"]), id_number=v["id_number"],
                            person_name=v["name"], start_date=v["start"], end_date=v["end"],
                            attributes={"area": v["kind"]})


class GraduateSource(_Adapter):
    """教育: graduates (毕业生), with school and level."""

    code = "education_graduate"
    department = gettext_lazy("Education (教育)")
    label = gettext_lazy("Graduates (毕业生)")
    record_kind = RecordKind.GRADUATE
    columns = {"id_number": ID, "name": NAME, "school": ("毕业院校", "学校", "school"),
               "level": ("学历", "level"), "graduated_on": ("毕业日期", "graduated on")}
    titles = {**PERSON_TITLES, "school": gettext_lazy("School"), "level": gettext_lazy("Level"),
              "graduated_on": gettext_lazy("Graduated on")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "school": _text(128),
                             "level": _text(16), "graduated_on": read_date})
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"], v["graduated_on"]),
                            id_number=v["id_number"], person_name=v["name"], start_date=v["graduated_on"],
                            attributes={"school": v["school"], "level": v["level"]})


class DisabilitySource(_Adapter):
    """残联: disability certificates (残疾人证), with category and grade."""

    code = "dpf_disability"
    department = gettext_lazy("Disabled persons' federation (残联)")
    label = gettext_lazy("Disability certificates (残疾人证)")
    record_kind = RecordKind.DISABILITY
    columns = {"id_number": ID, "name": NAME, "certificate_no": ("残疾人证号", "证号", "certificate number"),
               "category": ("残疾类别", "category"), "grade": ("残疾等级", "等级", "grade"),
               "issued_on": ("发证日期", "issued on")}
    titles = {**PERSON_TITLES, "certificate_no": gettext_lazy("Certificate number"),
              "category": gettext_lazy("Category"), "grade": gettext_lazy("Grade"),
              "issued_on": gettext_lazy("Issued on")}

    def parse(self, row):
        v = self._read(row, {"id_number": read_id_number, "name": _text(64), "certificate_no": _text(32),
                             "category": _text(16), "grade": lambda x: read_int(x, minimum=1, maximum=4),
                             "issued_on": read_date})
        self._not_future(v["issued_on"], self.titles["issued_on"])
        return SourceRecord(kind=self.record_kind, natural_key=(v["id_number"],), id_number=v["id_number"],
                            person_name=v["name"], start_date=v["issued_on"],
                            attributes={"certificate_no": v["certificate_no"], "category": v["category"],
                                        "grade": v["grade"]})


SOURCES: dict[str, Source] = {source.code: source for source in (
    InsuredSpellSource(), UiBenefitSource(), ArrearsSource(), FirmStatusSource(), DeathSource(), CustodySource(),
    MinimumLivingSource(), GraduateSource(), DisabilitySource(),
)}


def source_choices() -> list[tuple[str, str]]:
    return [(code, f"{source.department} · {source.label}") for code, source in SOURCES.items()]
