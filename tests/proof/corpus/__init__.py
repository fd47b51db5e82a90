"""The bad-upload corpus, built at run time (nothing binary is committed): each entry is a file name, its bytes
and what it is. `build(upload_max_bytes)` makes every file; `write_to(folder)` keeps a copy for inspection."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BOMB_INFLATED_BYTES = 16 * 1024 * 1024  # 16 MB of one repeated byte: about 16 KB deflated, ratio ~1000


@dataclass(frozen=True)
class BadFile:
    key: str
    name: str
    content: bytes
    what: str


def plain_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(source: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = (replace or {}).get(item.filename, old.read(item.filename))
            new.writestr(item.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def zip_bomb_xlsx() -> bytes:
    """A workbook whose sheet inflates a thousandfold: whitespace padding inside the sheet XML."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + b" " * BOMB_INFLATED_BYTES + b"</sheetData></worksheet>")
    return _rezip(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet})


def xml_bomb_xlsx() -> bytes:
    """Billion laughs in the sheet: a few hundred bytes that expand to gigabytes in a naive parser."""
    entities = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{entities}]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             '<c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>').encode()
    return _rezip(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet})


def macro_xlsm() -> bytes:
    """A macro-enabled workbook: a VBA project part and the macro-enabled main content type."""
    source = plain_xlsx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\n"
    return _rezip(source, replace={"[Content_Types].xml": types}, add={"xl/vbaProject.bin": vba})


def zip_bomb_plain() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * BOMB_INFLATED_BYTES)
    return out.getvalue()


def build(upload_max_bytes: int) -> dict[str, BadFile]:
    """Every bad upload. Names claim a harmless type; the bytes say otherwise."""
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240 + b"PE\x00\x00"
    files = [
        BadFile("zip_bomb", "roster.xlsx", zip_bomb_xlsx(), "a workbook inflating ~1000x (zip bomb)"),
        BadFile("zip_bomb_plain", "证明.pdf", zip_bomb_plain(), "a plain zip bomb named .pdf"),
        BadFile("xml_bomb", "roster.xlsx", xml_bomb_xlsx(), "a workbook with an entity expansion (XML bomb)"),
        BadFile("macro", "roster.xlsx", macro_xlsm(), "a macro-enabled workbook (vbaProject.bin) named .xlsx"),
        BadFile("exe_as_pdf", "证明.pdf", exe, "a Windows program renamed .pdf"),
        BadFile("pdf_as_xlsx", "roster.xlsx", PDF, "a PDF renamed .xlsx"),
        BadFile("html_as_png", "照片.png", b"<svg onload=alert(1)><script>alert(1)</script></svg>",
                "script markup renamed .png"),
        BadFile("empty", "空文件.pdf", b"", "a 0-byte file"),
        BadFile("oversize", "大文件.pdf", PDF + b"0" * (upload_max_bytes + 1 - len(PDF)),
                "one byte over the upload limit"),
    ]
    return {f.key: f for f in files}


TRAVERSAL_NAMES = ("../../../../etc/passwd.pdf", "..\\..\\..\\windows\\win.ini.pdf", "/etc/cron.d/x.pdf",
                   "C:\\Windows\\evil.pdf", "%2e%2e%2fevil.pdf", "evil.pdf\x00.png")


def write_to(folder: Path, upload_max_bytes: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for bad in build(upload_max_bytes).values():
        path = folder / f"{bad.key}-{bad.name}"
        path.write_bytes(bad.content)
        paths.append(path)
    return paths
