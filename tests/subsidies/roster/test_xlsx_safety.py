"""The safe .xlsx reader (guangyuan_jobs.core.xlsx) and the roster upload refusing what it must: zip bombs, XML
bombs, macro workbooks, files that are not workbooks, empty and oversized files. A refused upload changes
nothing and tells the user why, in Chinese."""

import io
import os
import zipfile

import pytest

from guangyuan_jobs.core.xlsx import Formula, XlsxLimits, XlsxRefused, xlsx_check, xlsx_rows
from subsidies.models import RosterImport
from subsidies.services import roster as services
from tests.subsidies.roster.conftest import YEAR, mixed_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def rebuilt(content: bytes, *, replace: dict | None = None, add: dict | None = None) -> bytes:
    """The workbook `content` with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, data)
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def zip_bomb(megabytes: int) -> bytes:
    """A workbook whose sheet is `megabytes` of zeros: a few hundred kilobytes on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(zeros)
    return out.getvalue()


def refused(content: bytes) -> XlsxRefused:
    with pytest.raises(XlsxRefused) as caught:
        xlsx_check(io.BytesIO(content))
    return caught.value


def test_a_plain_workbook_reads_with_row_numbers_and_formulas_marked():
    rows = list(xlsx_rows(io.BytesIO(xlsx_bytes(mixed_rows()))))
    assert [r.number for r in rows] == list(range(1, 11))
    assert rows[7].values[5] == Formula("=1+1")  # never evaluated, never its cached value


def test_zip_bomb_of_a_huge_zero_filled_member_is_refused_before_parsing(entry):
    content = zip_bomb(210)
    assert len(content) < 1_000_000
    with pytest.raises(XlsxRefused) as caught:
        services.roster_import_start(file=upload(content), premium_year=YEAR, dry_run=True, actor=entry)
    assert caught.value.code == "xlsx_zip_bomb" and "压缩炸弹" in str(caught.value.message)
    assert not RosterImport.objects.exists()


def test_uncompressed_total_and_member_count_are_bounded():
    incompressible = rebuilt(xlsx_bytes(mixed_rows()), add={"xl/media/noise.bin": os.urandom(300_000)})
    with pytest.raises(XlsxRefused) as caught:
        xlsx_check(io.BytesIO(incompressible), limits=XlsxLimits(max_uncompressed_bytes=200_000))
    assert caught.value.code == "xlsx_zip_bomb"
    many = rebuilt(xlsx_bytes(mixed_rows()), add={f"xl/extra/{n}.xml": "<x/>" for n in range(50)})
    with pytest.raises(XlsxRefused) as caught:
        xlsx_check(io.BytesIO(many), limits=XlsxLimits(max_members=40))
    assert caught.value.code == "xlsx_members"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xml_bomb_with_entity_expansion_is_refused(encoding):
    content = xlsx_bytes(mixed_rows())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    body = workbook.split("?>", 1)[-1]  # the part after any XML declaration
    bomb = (BILLION_LAUGHS.replace("UTF-8", encoding.upper()) + body).encode(encoding)
    error = refused(rebuilt(content, replace={"xl/workbook.xml": bomb}))
    assert error.code == "xlsx_xml_bomb" and "XML" in str(error.message)


def test_macro_workbooks_are_refused():
    content = xlsx_bytes(mixed_rows())
    assert refused(rebuilt(content, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})).code == "xlsx_macros"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    xlsm_types = types.replace("spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml")
    error = refused(rebuilt(content, replace={"[Content_Types].xml": xlsm_types}))
    assert error.code == "xlsx_macros" and "宏" in str(error.message)


@pytest.mark.parametrize(("content", "code"), [
    (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "xlsx_not_zip"),
    (b"", "xlsx_empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "xlsx_legacy"),
])
def test_files_that_are_not_workbooks_are_refused(content, code):
    assert refused(content).code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert refused(out.getvalue()).code == "xlsx_not_workbook"


def test_oversize_upload_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    error = refused(xlsx_bytes(mixed_rows()))
    assert error.code == "xlsx_too_large" and "过大" in str(error.message)


def test_too_many_rows_is_refused_midway():
    with pytest.raises(XlsxRefused) as caught:
        list(xlsx_rows(io.BytesIO(xlsx_bytes(mixed_rows())), limits=XlsxLimits(max_rows=5)))
    assert caught.value.code == "xlsx_too_many_rows"


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4\n%%EOF\n", "不是 Excel .xlsx 工作簿"),
    (b"", "空文件"),  # the form's own check
    (zip_bomb(8), "压缩炸弹"),
])
def test_the_upload_page_explains_a_refused_file_and_stores_nothing(client, entry, content, message, settings):
    client.force_login(entry)
    response = client.post("/subsidies/roster/new/", {"premium_year": YEAR, "file": upload(content, "名单.xlsx")})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()
    assert not (settings.MEDIA_ROOT / "rosters").exists()


def test_a_damaged_workbook_is_refused_not_a_crash():
    content = bytearray(xlsx_bytes(mixed_rows()))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + 10  # inside the sheet's compressed data
    content[start:start + 40] = b"\xff" * 40
    with pytest.raises(XlsxRefused) as caught:
        list(xlsx_rows(io.BytesIO(bytes(content))))
    assert caught.value.code == "xlsx_damaged"
