"""Reading uploaded .xlsx files safely: refuse before parsing, then read values only.

An .xlsx file is a zip of XML parts, so an upload can be a zip bomb (a few kilobytes inflating to gigabytes),
an XML bomb (nested entity definitions), a macro workbook, or something else renamed. `xlsx_check` looks at
the zip directory and the XML prologs only, and refuses all of these before openpyxl sees the file
(RELIABILITY.md: files). `xlsx_rows` then reads the first (or a named) sheet row by row in openpyxl's
read-only mode, with the spreadsheet row number of each row.

Formulas are never evaluated (openpyxl has no calculation engine). They are read as formulas on purpose
(`data_only=False`): with `data_only=True` a formula cell silently becomes the result a spreadsheet program
cached in it, or a blank when none was cached, and an import must see and refuse it instead. A formula cell,
and a text cell that starts with "=", come back as `Formula`; a cell holding an error (#DIV/0!) as `CellError`.

Generic on purpose: every app that imports a roster or a return file uses it.
"""

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.parsers import expat

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.errors import ApplicationError

MIB = 1024 * 1024

if not openpyxl.DEFUSEDXML:
    # openpyxl parses the parts with defusedxml only when it is installed (requirements.txt pins it) and
    # OPENPYXL_DEFUSEDXML is not switched off; the DTD refusal below must never be the only guard.
    raise ImproperlyConfigured("openpyxl must run with defusedxml: install it and leave OPENPYXL_DEFUSEDXML unset")


@dataclass(frozen=True)
class XlsxLimits:
    """What an upload may be. The defaults suit rosters of tens of thousands of rows; callers may tighten."""

    max_bytes: int = 0  # 0: settings.UPLOAD_MAX_BYTES
    max_uncompressed_bytes: int = 200 * MIB  # all parts together, inflated
    # Inflated size over compressed size, per part. Spreadsheet XML compresses about 5 to 20 times; a zip
    # bomb a thousand times or more. Parts below `ratio_floor_bytes` are not judged: tiny parts vary a lot.
    max_ratio: int = 100
    ratio_floor_bytes: int = 1 * MIB
    max_members: int = 1000
    max_rows: int = 100_000  # data rows, after the header
    max_columns: int = 64

    def byte_limit(self) -> int:
        return self.max_bytes or settings.UPLOAD_MAX_BYTES


class XlsxRefused(ApplicationError):
    """The file is not a workbook we will open; the message says why, in the user's language."""

    default_code = "xlsx_refused"


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula, or text that starts like one; never evaluated."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CellError:
    """A cell holding a spreadsheet error value such as #DIV/0! or #REF!."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class XlsxRow:
    number: int  # the row number the user sees in the spreadsheet program (1 = first row)
    values: tuple  # cell values from column A on: str, int, float, bool, datetime, Formula, CellError or None

    def value(self, column: int):
        """The value of a 0-based column, None beyond the row's last cell."""
        return self.values[column] if column < len(self.values) else None


_MACRO_MEMBERS = ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")
_MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex")
_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_PROLOG_CHUNK = 64 * 1024
# A workbook's list of content types is a few kilobytes; it is read whole, so it is bounded on its own.
CONTENT_TYPES_MAX_BYTES = 1 * MIB


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


class _RootReached(Exception):
    pass


class _DtdFound(Exception):
    pass


def _xml_declares_dtd(stream) -> bool:
    """Whether an XML part declares a DTD (where entity bombs and external entities live).

    Only the prolog can hold one, so expat reads until the root element starts; it decodes UTF-8 and UTF-16
    itself, so a DOCTYPE cannot hide behind an encoding. Malformed XML is left for openpyxl to refuse.
    """
    parser = expat.ParserCreate()

    def refuse(*_args):
        raise _DtdFound

    def root(*_args):
        raise _RootReached

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = root
    try:
        while chunk := stream.read(_PROLOG_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _DtdFound:
        return True
    except (_RootReached, expat.ExpatError):
        return False
    return False


def xlsx_check(file, *, limits: XlsxLimits | None = None) -> None:
    """Refuse, with a clear message, anything but a plain .xlsx workbook within the limits. Reads the zip
    directory and each XML part's prolog only; leaves `file` at its start. Raises XlsxRefused."""
    limits = limits or XlsxLimits()
    size = _size_of(file)
    if size == 0:
        raise XlsxRefused(_("The file is empty."), code="xlsx_empty")
    if size > limits.byte_limit():
        raise XlsxRefused(gettext("The file is too large: at most %(mb)s MB.")
                          % {"mb": _megabytes(limits.byte_limit())}, code="xlsx_too_large")
    file.seek(0)
    head = file.read(len(_CFB_SIGNATURE))
    file.seek(0)
    if head == _CFB_SIGNATURE:
        raise XlsxRefused(_("This is an old .xls file or a password-protected workbook. Save it in Excel as an "
                            ".xlsx workbook without a password and upload that."), code="xlsx_legacy")
    if not zipfile.is_zipfile(file):
        raise XlsxRefused(_("This is not an Excel .xlsx workbook. Save the file as .xlsx and upload that."),
                          code="xlsx_not_zip")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            _check_archive(archive, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # A corrupt stream, an unknown compression method, a part that says it is encrypted.
        raise XlsxRefused(_("The workbook is damaged and cannot be read."), code="xlsx_damaged") from exc
    finally:
        file.seek(0)


def _megabytes(n: int) -> str:
    return f"{n / MIB:g}"


def _check_archive(archive: zipfile.ZipFile, limits: XlsxLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise XlsxRefused(_("The workbook has too many parts to be a plain spreadsheet."), code="xlsx_members")
    total = 0
    names = set()
    for info in members:
        names.add(info.filename.lower())
        if info.flag_bits & 0x1:
            raise XlsxRefused(_("The workbook is encrypted. Save it without a password and upload it again."),
                              code="xlsx_encrypted")
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise XlsxRefused(gettext("The workbook unpacks to more than %(mb)s MB: it is refused as a possible "
                                      "zip bomb.") % {"mb": _megabytes(limits.max_uncompressed_bytes)},
                              code="xlsx_zip_bomb")
        if info.file_size >= limits.ratio_floor_bytes and (
                info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio):
            raise XlsxRefused(_("The workbook is compressed far more than a spreadsheet can be: it is refused as "
                                "a possible zip bomb."), code="xlsx_zip_bomb")
        if info.filename.rsplit("/", 1)[-1].lower() in _MACRO_MEMBERS or "/activex/" in info.filename.lower():
            raise XlsxRefused(_("The workbook contains macros. Save it as a plain .xlsx workbook (not .xlsm) and "
                                "upload that."), code="xlsx_macros")
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise XlsxRefused(_("This is not an Excel .xlsx workbook. Save the file as .xlsx and upload that."),
                          code="xlsx_not_workbook")
    types_member = _member(archive, "[content_types].xml")
    if types_member.file_size > CONTENT_TYPES_MAX_BYTES:
        raise XlsxRefused(_("This is not an Excel .xlsx workbook. Save the file as .xlsx and upload that."),
                          code="xlsx_not_workbook")
    content_types = archive.read(types_member).lower()
    if any(marker.encode() in content_types for marker in _MACRO_CONTENT_TYPES):
        raise XlsxRefused(_("The workbook contains macros. Save it as a plain .xlsx workbook (not .xlsm) and "
                            "upload that."), code="xlsx_macros")
    for info in members:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as stream:
                if _xml_declares_dtd(stream):
                    raise XlsxRefused(_("The workbook contains XML entity declarations, which spreadsheets never "
                                        "need: it is refused as a possible XML bomb."), code="xlsx_xml_bomb")


def _member(archive: zipfile.ZipFile, lower_name: str) -> zipfile.ZipInfo:
    return next(info for info in archive.infolist() if info.filename.lower() == lower_name)


def _cell_value(cell):
    data_type = getattr(cell, "data_type", None)
    value = cell.value
    if data_type == "f":
        return Formula(str(getattr(value, "text", value)))
    if data_type == "e":
        return CellError(str(value))
    if isinstance(value, str):
        if value.startswith("="):
            return Formula(value)
        return value
    return value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def xlsx_rows(file, *, limits: XlsxLimits | None = None, sheet: str | None = None) -> Iterator[XlsxRow]:
    """The non-blank rows of the first sheet (or `sheet`), first row included, after `xlsx_check`.

    Raises XlsxRefused, also midway when the sheet has more than `limits.max_rows` rows after the first.
    """
    limits = limits or XlsxLimits()
    xlsx_check(file, limits=limits)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a malformed part
        raise XlsxRefused(_("The workbook is damaged and cannot be read."), code="xlsx_damaged") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise XlsxRefused(gettext("The workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet},
                              code="xlsx_no_sheet")
        if not workbook.worksheets:
            raise XlsxRefused(_("The workbook has no sheet of rows."), code="xlsx_no_sheet")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        # The sheet's own claim of its size is not trusted: a forged dimension would make openpyxl pad
        # millions of empty rows.
        worksheet.reset_dimensions()
        yield from _read_rows(worksheet, limits)
    finally:
        workbook.close()


def _read_rows(worksheet, limits: XlsxLimits) -> Iterator[XlsxRow]:
    seen = 0
    # Rows are counted by their number too, so blank rows padded between two far-apart rows stay bounded.
    last_row = limits.max_rows + 1 + max(limits.max_rows // 10, 100)
    try:
        rows = worksheet.iter_rows(min_row=1, max_row=last_row + 1, max_col=limits.max_columns)
        for number, cells in enumerate(rows, start=1):
            values = [_cell_value(cell) for cell in cells]
            while values and _blank(values[-1]):
                values.pop()
            if not values:
                continue
            # `seen` counts the first row too, so this is the data row about to be read.
            if number > last_row or seen > limits.max_rows:
                raise XlsxRefused(gettext("The sheet has more than %(n)d rows; split it into smaller files.")
                                  % {"n": limits.max_rows}, code="xlsx_too_many_rows")
            seen += 1
            yield XlsxRow(number=number, values=tuple(values))
    except XlsxRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed sheet part fails inside openpyxl's parser
        raise XlsxRefused(_("The workbook is damaged and cannot be read."), code="xlsx_damaged") from exc


def xlsx_columns(header: XlsxRow, wanted: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """{field: 0-based column} found by the header texts, each field by any of its accepted titles
    (compared without spaces, case-insensitive). Raises XlsxRefused naming the titles not found."""
    found: dict[str, int] = {}
    titles = {}
    for column, value in enumerate(header.values):
        if isinstance(value, str):
            titles.setdefault("".join(value.split()).lower(), column)
    missing = []
    for field, accepted in wanted.items():
        accepted = list(accepted)
        column = next((titles[key] for key in ("".join(a.split()).lower() for a in accepted) if key in titles),
                      None)
        if column is None:
            missing.append(accepted[0])
        else:
            found[field] = column
    if missing:
        raise XlsxRefused(gettext("The first row must name the columns; not found: %(columns)s.")
                          % {"columns": gettext(", ").join(missing)}, code="xlsx_columns")
    return found


# --- converting cells ---------------------------------------------------------------------------------------
# Each returns the value or raises ValueError with a message for the user; a Formula or CellError is refused.


def _plain(value):
    if isinstance(value, Formula):
        raise ValueError(gettext("a formula (%(text)s) is not accepted; enter the value itself")
                         % {"text": value.text[:40]})
    if isinstance(value, CellError):
        raise ValueError(gettext("the cell holds the error %(text)s") % {"text": value.text})
    return value


def read_text(value, *, max_length: int, required: bool = True) -> str:
    value = _plain(value)
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # a code typed as a number
    else:
        text = str(value).strip()
    if required and not text:
        raise ValueError(gettext("empty"))
    if len(text) > max_length:
        raise ValueError(gettext("longer than %(n)d characters") % {"n": max_length})
    return text


# A float read from a cell may carry binary noise (1234.5600000000001); closer than this to a whole number
# of cents it is taken as that amount, farther it has more decimal places than allowed.
_FLOAT_NOISE = Decimal("0.000001")


def read_decimal(value, *, places: int = 2, minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal:
    value = _plain(value)
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(gettext("empty") if not isinstance(value, bool) else gettext("not a number"))
    step = Decimal(1).scaleb(-places)
    try:
        # repr gives the shortest text of a float: 12345.67, never 12345.670000000000073
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip().replace(",", ""))
        if not number.is_finite():
            raise ValueError(gettext("not a number"))
        rounded = number.quantize(step)
    except InvalidOperation:
        raise ValueError(gettext("not a number")) from None
    tolerance = _FLOAT_NOISE if isinstance(value, float) else Decimal(0)
    if abs(number - rounded) > tolerance:
        raise ValueError(gettext("more than %(n)d decimal places") % {"n": places})
    if minimum is not None and rounded < minimum:
        raise ValueError(gettext("less than %(min)s") % {"min": minimum})
    if maximum is not None and rounded > maximum:
        raise ValueError(gettext("more than %(max)s") % {"max": maximum})
    return rounded


def read_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _plain(value)
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(gettext("empty") if not isinstance(value, bool) else gettext("not a whole number"))
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(gettext("not a whole number")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(gettext("not a whole number"))
    result = int(number)
    if minimum is not None and result < minimum:
        raise ValueError(gettext("less than %(min)s") % {"min": minimum})
    if maximum is not None and result > maximum:
        raise ValueError(gettext("more than %(max)s") % {"max": maximum})
    return result


def read_choice(value, choices: Mapping[str, object]) -> object:
    """The meaning of a cell's text among `choices` (keys compared without spaces, case-insensitive)."""
    text = read_text(value, max_length=32)
    key = "".join(text.split()).lower()
    for choice, meaning in choices.items():
        if "".join(choice.split()).lower() == key:
            return meaning
    raise ValueError(gettext("“%(value)s” is not one of: %(choices)s")
                     % {"value": text, "choices": gettext(", ").join(choices)})
