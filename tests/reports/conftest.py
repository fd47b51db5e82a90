import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guangyuan_jobs.casework.models import Case
from tests.factories import EnterpriseFactory, PersonFactory

_refs = itertools.count(1)


def make_person(*, id_number: str, name: str = "测试人"):
    from guangyuan_jobs.registry.models import Region
    from guangyuan_jobs.registry.services import person_get_or_create

    return person_get_or_create(id_number=id_number, name=name, actor=None, region=Region.objects.get(code="510802"))


def make_case(*, person=None, enterprise=None, region="510802", status="submitted", kind="TESTK", **fields) -> Case:
    if person is None and enterprise is None:
        person = PersonFactory()
    submitted = timezone.now() - datetime.timedelta(days=3)
    values = {"submitted_at": submitted, "requested_amount": Decimal("1500.00"), **fields}
    return Case.objects.create(ref=f"TEST-2026-{next(_refs):06d}", kind=kind, applicant_person=person,
                               applicant_enterprise=enterprise, region_id=region, status=status, **values)


@pytest.fixture
def case_factory(db):
    return make_case


@pytest.fixture
def enterprise_factory(db):
    return EnterpriseFactory


def open_xlsx(content: bytes):
    # read_only=False: every cell is loaded with its data type, formulas included.
    return load_workbook(io.BytesIO(content))


def data_rows(book, sheet_index=1):
    rows = list(book.worksheets[sheet_index].iter_rows(values_only=True))
    return rows[0], rows[1:]


def download_bytes(response) -> bytes:
    return b"".join(response.streaming_content)
