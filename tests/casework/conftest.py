"""Casework fixtures: a person kind and an enterprise kind registered for the tests, their policy parameters,
the caseworkers of each step, and helpers that bring a case to a given stage through the services."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.kinds import AmountQuote, CaseKind, Material, register_kind
from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.policy.selectors import policy_parameter
from guangyuan_jobs.registry.models import Region
from tests.factories import EnterpriseFactory, PersonFactory, make_user

TEST_AMOUNT = Decimal("1000.00")
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _test_amount(case) -> AmountQuote:
    parameter = policy_parameter("test.amount", on=timezone.localdate(), region=case.region_id)
    return AmountQuote(amount=parameter.value, explanation=f"测试标准 {parameter.value} 元",
                       parameters=(parameter.as_snapshot(),))


PERSON_KIND = register_kind(CaseKind(
    code="TEST", label="测试补贴", applicant_type="person",
    materials=(Material("ID_CARD", "身份证"), Material("BANK", "银行卡")),
    time_limit_parameter="test.time_limit_days", amount=_test_amount,
))
ENTERPRISE_KIND = register_kind(CaseKind(
    code="TESTE", label="测试企业补贴", applicant_type="enterprise", materials=(Material("LICENCE", "营业执照"),),
    public_notice=False,
))


def set_parameter(key: str, value, *, value_type: str, region: str | None = None, unit: str = "") -> None:
    PolicyParameter.objects.create(key=key, value=value, value_type=value_type, unit=unit, region_id=region,
                                   valid_from=datetime.date(2020, 1, 1), confidence="verified")


@pytest.fixture(autouse=True)
def _test_parameters(db):
    set_parameter("test.amount", str(TEST_AMOUNT), value_type="decimal", unit="yuan")
    set_parameter("test.time_limit_days", 5, value_type="integer", unit="working days")


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


@pytest.fixture
def reference_data(transactional_db):
    """Regions and casework's policy parameters for a transactional test: an earlier one may have flushed the
    database, data migrations included (groups come back by themselves: roles are synced after a flush)."""
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters"):
        importlib.import_module(module).seed(apps, None)


class Crew:
    """One caseworker per step, all whole-city, plus an applicant with a phone."""

    def __init__(self):
        self.applicant = make_user("applicant_person")
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.approver2 = make_user("approver")
        self.finance = make_user("finance")
        self.entry = make_user("entry")


@pytest.fixture
def crew(db):
    return Crew()


def new_case(applicant, *, kind: str = "TEST", region: str = "510802", period: datetime.date | None = None,
             submit: bool = True):
    """A claim filed by `applicant` (a user), submitted unless told otherwise."""
    person = applicant.person if kind == "TEST" else None
    enterprise = applicant.enterprise if kind != "TEST" else None
    case = services.case_create_draft(kind=kind, actor=applicant, applicant_person=person,
                                      applicant_enterprise=enterprise, region=Region.objects.get(pk=region),
                                      period_start=period)
    return services.case_submit(case=case, actor=applicant) if submit else case


def move(case, action, actor, **kwargs):
    case.refresh_from_db()
    return services.case_transition(case=case, action=action, actor=actor, version=case.version, **kwargs)


def case_at(stage: str, crew: Crew, *, applicant=None, region: str = "510802"):
    """A case brought to `stage` by the crew, each step by its own person."""
    case = new_case(applicant or crew.applicant, region=region)
    steps = {"submitted": [], "accepted": [("accept", crew.intake)],
             "reviewed": [("accept", crew.intake), ("review", crew.reviewer)],
             "approved": [("accept", crew.intake), ("review", crew.reviewer), ("approve", crew.approver)],
             "publicized": [("accept", crew.intake), ("review", crew.reviewer), ("approve", crew.approver),
                            ("publicize", crew.approver2)]}[stage]
    for action, actor in steps:
        case = move(case, action, actor)
    return case


def pdf_upload(name: str = "证明.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def other_applicant(db):
    return make_user("applicant_person", person=PersonFactory())


@pytest.fixture
def enterprise_applicant(db):
    return make_user("applicant_enterprise", enterprise=EnterpriseFactory())
