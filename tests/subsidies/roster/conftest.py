"""Roster fixtures: rosters built as real .xlsx files, the staff who import them, and the SMS outbox."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from subsidies.models import RosterImport
from subsidies.services import roster as services
from tests.factories import make_credit_code, make_user

YEAR = 2024  # 2023–2025 parameters: large 30 %, SME 60 %, 12 months, 5.5 %, ≤30 staff 20 %
HEADER = [titles[0] for titles in services.COLUMNS.values()]


def code(n: int) -> str:
    return make_credit_code(seq=900_000 + n)


def bad_check_char(valid: str) -> str:
    last = "0" if valid[-1] != "0" else "1"
    return valid[:-1] + last


def row(n: int, *, name=None, size="中小微", staff=50, claimants=1, premiums="100000.00", months=12,
        dishonest="否", credit_code=None):
    premiums_value = Decimal(premiums) if isinstance(premiums, str) and not premiums.startswith("=") else premiums
    return [credit_code or code(n), f"广元测试{n}有限公司" if name is None else name, size, staff, claimants,
            premiums_value, months, dishonest]


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def mixed_rows():
    """Three eligible firms, one not eligible, five bad rows (rows 2 to 10 of the sheet)."""
    return [
        row(1, premiums="100000.00"),                                       # row 2: SME, 60 % -> 60000.00
        row(2, size="大型", staff=400, claimants=10, premiums="500000.00", months=24),  # row 3: 30 % -> 150000.00
        row(3, staff=20, claimants=4, premiums="8000.00"),                  # row 4: ≤30 staff, 20 % -> 4800.00
        row(4, dishonest="是"),                                              # row 5: not eligible
        row(5, credit_code=bad_check_char(code(5))),                        # row 6: bad check character
        row(6, premiums="-100.00"),                                         # row 7: negative premiums
        row(7, premiums="=1+1"),                                            # row 8: a formula
        row(8, name=""),                                                    # row 9: blank name
        row(9, credit_code=code(1)),                                        # row 10: the same firm as row 2
    ]


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


@pytest.fixture
def entry(db):
    return make_user("entry")


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """`run_import(actor, content, dry_run=...)`: start an import and run its task (in process, as the test
    transaction never commits), so it is finished on return."""

    def run(actor, content: bytes, *, dry_run: bool = True, year: int = YEAR) -> RosterImport:
        with django_capture_on_commit_callbacks(execute=True):
            roster = services.roster_import_start(file=upload(content), premium_year=year, dry_run=dry_run,
                                                  actor=actor)
        roster.refresh_from_db()
        return roster

    return run


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(actor, preview: RosterImport) -> RosterImport:
        with django_capture_on_commit_callbacks(execute=True):
            roster = services.roster_import_commit(preview=preview, actor=actor)
        roster.refresh_from_db()
        return roster

    return run
