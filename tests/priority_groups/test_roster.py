"""Roster imports: preview with bad rows and their reasons, import for real, a repeated import changes nothing,
the rejected rows downloadable with ID numbers masked."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from guangyuan_jobs.registry.models import Person
from priority_groups.models import GroupMembership, PersonRosterImport
from priority_groups.services import roster as services
from tests.conftest import full_id_numbers_in
from tests.factories import make_id_number
from tests.priority_groups.conftest import QINGCHUAN, WANGCANG, group, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


def bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.fixture
def numbers():
    return [make_id_number(region=WANGCANG, birth=D(2002, 5, 1)) for _ in range(4)]


@pytest.fixture
def rows(numbers):
    return [
        [numbers[0], "张一", "13800000001", WANGCANG, "四川大学"],   # row 2: new
        [numbers[1], "张二", None, None, None],                      # row 3: new, county from the ID number
        [bad_check_digit(numbers[2]), "张三", None, None, None],      # row 4: bad check digit
        [numbers[3], "", None, None, None],                          # row 5: blank name
        [numbers[0], "张一", None, None, None],                      # row 6: same ID as row 2
        [numbers[3], "张四", "12345", "999999", None],               # row 7: bad phone and region
        [numbers[3], "=1+1", None, None, None],                      # row 8: a formula for a name
    ]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a preview (or commit one) and run its task as the commit would (tasks run eagerly in tests)."""
    def start(actor, content, *, preview=None):
        with django_capture_on_commit_callbacks(execute=True):
            if preview is None:
                roster = services.roster_import_start(file=upload(content), group=group("graduate"),
                                                      valid_from=D(2026, 7, 1), evidence="省教育厅2026届离校未就业名单",
                                                      actor=actor)
            else:
                roster = services.roster_import_commit(preview=preview, actor=actor)
        roster.refresh_from_db()
        return roster
    return start


def test_preview_writes_nothing_and_reports_each_bad_row(caseworker, rows, run):
    preview = run(caseworker, xlsx_bytes(rows))
    assert preview.status == PersonRosterImport.Status.PREVIEWED
    assert (preview.rows_total, preview.rows_new, preview.rows_unchanged, preview.rows_rejected) == (7, 2, 0, 5)
    assert not GroupMembership.objects.exists() and not Person.objects.exists()
    reasons = {entry["row"]: " ".join(entry["reasons"]) for entry in preview.preview if entry["outcome"] == "rejected"}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "第2行" in reasons[6]
    assert "电话" in reasons[7] and "999999" in reasons[7]
    assert not full_id_numbers_in(str(preview.preview))


def test_import_then_reimport_changes_nothing(caseworker, rows, numbers, run):
    preview = run(caseworker, xlsx_bytes(rows))
    imported = run(caseworker, None, preview=preview)
    assert imported.status == PersonRosterImport.Status.COMPLETED and imported.rows_new == 2
    people = {p.name: p for p in Person.objects.all()}
    assert set(people) == {"张一", "张二"}
    assert people["张二"].region_id == WANGCANG and people["张一"].phone == "13800000001"
    membership = GroupMembership.objects.get(person=people["张一"])
    assert membership.source == "roster" and "四川大学" in membership.evidence
    assert membership.roster_import == imported
    again = services.roster_import_commit(preview=preview, actor=caseworker)
    assert again == imported  # a second click on "import" is the same import

    second_preview = run(caseworker, xlsx_bytes(rows))
    second = run(caseworker, None, preview=second_preview)
    assert (second.rows_new, second.rows_unchanged, second.rows_rejected) == (0, 2, 5)
    assert GroupMembership.objects.count() == 2 and Person.objects.count() == 2


def test_the_rejected_rows_file_masks_id_numbers_and_neutralises_formulas(client, caseworker, rows, run):
    preview = run(caseworker, xlsx_bytes(rows))
    client.force_login(caseworker)
    response = client.get(f"/priority-groups/rosters/{preview.pk}/rejected/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 6 and values[0][-1] == "原因"
    text = str(values)
    assert not full_id_numbers_in(text)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_county_caseworker_cannot_import_another_county_s_people(wangcang_caseworker, run):
    other = make_id_number(region=QINGCHUAN, birth=D(2002, 1, 1))
    mine = make_id_number(region=WANGCANG, birth=D(2002, 1, 1))
    content = xlsx_bytes([[other, "青川人", None, None, None], [mine, "旺苍人", None, None, None]])
    preview = run(wangcang_caseworker, content)
    imported = run(wangcang_caseworker, None, preview=preview)
    assert (imported.rows_new, imported.rows_rejected) == (1, 1)
    assert list(Person.objects.values_list("name", flat=True)) == ["旺苍人"]


def test_pages_preview_commit_and_a_bad_file(client, caseworker, rows, django_capture_on_commit_callbacks):
    client.force_login(caseworker)
    response = client.post("/priority-groups/rosters/new/", {
        "group": "graduate", "valid_from": "2026-07-01", "evidence": "省教育厅名单",
        "file": upload(b"not a spreadsheet", "bad.xlsx")})
    assert response.status_code == 400 and not PersonRosterImport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/priority-groups/rosters/new/", {
            "group": "graduate", "valid_from": "2026-07-01", "evidence": "省教育厅名单",
            "file": upload(xlsx_bytes(rows))})
    preview = PersonRosterImport.objects.get()
    assert response.status_code == 302
    page = client.get(f"/priority-groups/rosters/{preview.pk}/").content.decode()
    assert "预览完成" in page and "正式导入" in page and "张一" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/priority-groups/rosters/{preview.pk}/commit/")
    assert GroupMembership.objects.count() == 2
