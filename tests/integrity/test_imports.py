"""Department imports: preview first, bad rows reported with reasons, idempotent re-import, old 15-digit IDs."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from integrity.models import ExternalRecord, RecordKind, SourceImport
from integrity.rules import resident_id_upgrade
from integrity.services.imports import source_import_commit, source_import_start
from tests.factories import make_id_number, make_user
from tests.integrity.conftest import D


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "死亡日期"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("deaths.xlsx", buffer.getvalue())


def run(rows, user, capture) -> SourceImport:
    with capture(execute=True):
        preview = source_import_start(source="police_death", file_date=D(2026, 1, 5), file=workbook(rows), actor=user)
    preview.refresh_from_db()
    assert preview.status == SourceImport.Status.PREVIEWED
    with capture(execute=True):
        job = source_import_commit(preview=preview, actor=user)
    job.refresh_from_db()
    return job


def test_preview_writes_nothing_then_the_import_keys_on_the_natural_key(db, django_capture_on_commit_callbacks):
    user = make_user("entry")
    good = make_id_number()
    rows = [[good, "王五", "2025-12-01"], ["510802199001011230", "赵六", "2025-12-01"], [good, "王五", "2025-12-01"],
            ["880506123", "钱七", "昨天"]]
    with django_capture_on_commit_callbacks(execute=True):
        preview = source_import_start(source="police_death", file_date=D(2026, 1, 5), file=workbook(rows), actor=user)
    preview.refresh_from_db()
    assert (preview.rows_created, preview.rows_rejected) == (1, 3)
    assert not ExternalRecord.objects.exists()
    assert preview.rejected_file
    assert {e["row"] for e in preview.preview if e["outcome"] == "rejected"} == {3, 4, 5}
    assert good not in str(preview.preview)
    with django_capture_on_commit_callbacks(execute=True):
        job = source_import_commit(preview=preview, actor=user)
    job.refresh_from_db()
    assert job.status == SourceImport.Status.COMPLETED and job.rows_created == 1
    record = ExternalRecord.objects.get(kind=RecordKind.DEATH)
    assert record.person_masked.endswith(good[-4:]) and good not in record.natural_key
    assert source_import_commit(preview=preview, actor=user) == job


def test_reimporting_the_same_rows_changes_nothing(db, django_capture_on_commit_callbacks):
    user = make_user("entry")
    rows = [[make_id_number(), "王五", "2025-12-01"], [make_id_number(), "孙八", "2025-11-30"]]
    first = run(rows, user, django_capture_on_commit_callbacks)
    before = list(ExternalRecord.objects.values_list("pk", "updated_at"))
    second = run(rows, user, django_capture_on_commit_callbacks)
    assert (first.rows_created, second.rows_created, second.rows_unchanged) == (2, 0, 2)
    assert list(ExternalRecord.objects.values_list("pk", "updated_at")) == before
    changed = run([[rows[0][0], "王五", "2025-12-02"]], user, django_capture_on_commit_callbacks)
    assert changed.rows_updated == 1
    assert ExternalRecord.objects.get(person_masked__endswith=rows[0][0][-4:]).start_date == D(2025, 12, 2)


def test_an_old_15_digit_number_matches_the_person_under_the_18_digit_one(db, django_capture_on_commit_callbacks):
    from guangyuan_jobs.core.crypto import lookup_hash

    user = make_user("entry")
    old = "510802880506123"
    run([[old, "周九", "2025-10-01"]], user, django_capture_on_commit_callbacks)
    assert ExternalRecord.objects.get().person_hash == lookup_hash(resident_id_upgrade(old))


def test_only_staff_with_the_permission_may_import(db):
    import pytest

    from guangyuan_jobs.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):
        source_import_start(source="police_death", file_date=D(2026, 1, 5), file=workbook([]),
                            actor=make_user("auditor"))
