"""Integrity fixtures: cases built at a given stage (the claim flow itself is tested by subsidies and
casework), department records, and a staff crew including verifiers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition, Payment
from guangyuan_jobs.casework.services import case_create_draft
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.core.masking import mask_id_number
from integrity.models import ExternalRecord, SourceImport
from tests.factories import EnterpriseFactory, PersonFactory, make_user

D = datetime.date
DEFAULT_PERIOD = (D(2025, 3, 1), D(2025, 8, 31))


class Crew:
    def __init__(self):
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.finance = make_user("finance")
        self.verifier = make_user("verifier")
        self.auditor = make_user("auditor")
        self.manager = make_user("manager")


@pytest.fixture
def crew(db):
    return Crew()


def make_case(crew, *, kind="SYBZJ", person=None, enterprise=None, status=CaseStatus.SUBMITTED,
              period=DEFAULT_PERIOD, amount=Decimal("3000.00"), paid_on=None, region=None):
    """A case at `status`, handled by the crew's intake (filed, accepted) and approver when approved or later."""
    if person is None and enterprise is None:
        person = PersonFactory()
    case = case_create_draft(kind=kind, actor=crew.intake, applicant_person=person, applicant_enterprise=enterprise,
                             region=region, requested_amount=amount, period_start=period[0] if period else None,
                             period_end=period[1] if period else None)
    now = timezone.now()
    fields = {"status": status, "submitted_at": now, "submitted_by": crew.intake, "accepted_by": crew.intake,
              "approved_amount": amount}
    if status in (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID):
        fields["approved_by"] = crew.approver
    if status == CaseStatus.PAID:
        paid_at = now if paid_on is None else datetime.datetime.combine(paid_on, datetime.time(10),
                                                                        tzinfo=timezone.get_current_timezone())
        fields.update(paid_at=paid_at, paid_by=crew.finance)
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    CaseTransition.objects.create(case=case, action="accept", from_status="submitted", to_status="accepted",
                                  actor=crew.intake)
    if status in (CaseStatus.APPROVED, CaseStatus.PUBLICIZED):
        Payment.objects.create(case=case, amount=amount)
    elif status == CaseStatus.PAID:
        Payment.objects.create(case=case, amount=amount, status=Payment.Status.PAID, paid_at=case.paid_at)
    return case


def add_record(kind, *, person=None, enterprise=None, start=None, end=None, attributes=None, user=None):
    """A department record as an import would store it."""
    user = user or make_user("entry")
    job = SourceImport.objects.create(source="test", department="测试", file_date=timezone.localdate(),
                                      file="integrity/test.xlsx", original_name="test.xlsx", sha256="0" * 64,
                                      dry_run=False, status=SourceImport.Status.COMPLETED, created_by=user)
    subject = {}
    if person is not None:
        subject = {"person_hash": person.id_number_hash, "person_masked": person.id_number_masked,
                   "person_name": person.name}
    if enterprise is not None:
        subject.update(credit_code=enterprise.credit_code, firm_name=enterprise.name)
    key = f"{subject.get('person_hash', '')}|{subject.get('credit_code', '')}|{start}"
    return ExternalRecord.objects.create(kind=kind, natural_key=key, start_date=start, end_date=end,
                                         attributes=attributes or {}, content_hash="x", source="test",
                                         file_date=timezone.localdate(), source_import=job, **subject)


def hashed(id_number: str) -> tuple[str, str]:
    return lookup_hash(id_number), mask_id_number(id_number)


@pytest.fixture
def firm(db):
    return EnterpriseFactory()
