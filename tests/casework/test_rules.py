"""The pure rules: references, upload types, the overdue flag."""

import datetime

import pytest

from guangyuan_jobs.casework import rules
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.rules import REFERENCE_ALPHABET, file_type_sniff, is_overdue, reference_new
from tests.casework.conftest import PDF_BYTES, PNG_BYTES, new_case


def test_reference_is_kind_year_and_eight_unambiguous_random_characters():
    refs = {reference_new(kind_code="SYBZJ", year=2026) for _ in range(2000)}
    assert len(refs) == 2000  # no repeats, no sequence
    for ref in refs:
        kind, year, tail = ref.split("-")
        assert (kind, year, len(tail)) == ("SYBZJ", "2026", 8)
        assert set(tail) <= set(REFERENCE_ALPHABET)
    assert not set("01OIL") & set(REFERENCE_ALPHABET)


@pytest.mark.django_db
def test_a_reference_already_taken_is_drawn_again(crew, monkeypatch):
    taken = new_case(crew.applicant).ref
    fresh = "TEST-2026-FRESH234"
    draws = iter([taken, fresh])
    monkeypatch.setattr("guangyuan_jobs.casework.services.cases.reference_new", lambda **kw: next(draws))
    assert new_case(crew.applicant).ref == fresh
    assert Case.objects.filter(ref=taken).count() == 1


@pytest.mark.parametrize(("head", "content_type"), [
    (PDF_BYTES, "application/pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (PNG_BYTES, "image/png"),
    (b"MZ\x90\x00", None),
    (b"PK\x03\x04", None),  # a zip (or an .xlsx) is not a scan
    (b"<html>", None),
    (b"", None),
])
def test_file_type_is_judged_by_content(head, content_type):
    found = file_type_sniff(head[: rules.SNIFF_BYTES])
    assert (found.content_type if found else None) == content_type


def test_overdue_only_while_the_center_holds_the_case():
    today = datetime.date(2026, 10, 14)
    yesterday = today - datetime.timedelta(days=1)
    assert is_overdue(status=CaseStatus.ACCEPTED, due_date=yesterday, today=today)
    assert is_overdue(status=CaseStatus.REVIEWED, due_date=yesterday, today=today)
    assert not is_overdue(status=CaseStatus.ACCEPTED, due_date=today, today=today)  # the due date itself is in time
    assert not is_overdue(status=CaseStatus.APPROVED, due_date=yesterday, today=today)
    assert not is_overdue(status=CaseStatus.RETURNED, due_date=yesterday, today=today)  # waiting for the applicant
    assert not is_overdue(status=CaseStatus.ACCEPTED, due_date=None, today=today)
