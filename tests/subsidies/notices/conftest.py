"""Public-notice fixtures: a person kind of its own (so these tests do not hang on the subsidy kinds' rules),
the caseworkers of each step, and approved cases brought there through casework's services."""

from decimal import Decimal

import pytest

from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.kinds import CaseKind, register_kind
from subsidies.services import notices as services
from tests.factories import PersonFactory, make_id_number, make_user

# Its case page carries the objection block that subsidy kinds carry in their claim panel.
NOTICE_KIND = register_kind(CaseKind(code="GSTEST", label="测试公示补贴", applicant_type="person",
                                     extra={"detail_template": "subsidies/notices/_objection_refuse.html"}))
QUIET_KIND = register_kind(CaseKind(code="GSQUIET", label="测试免公示补贴", applicant_type="person",
                                    public_notice=False))


class Crew:
    def __init__(self):
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.finance = make_user("finance")


@pytest.fixture
def crew(db):
    return Crew()


def move(case, action, actor, **kwargs):
    case.refresh_from_db()
    return casework.case_transition(case=case, action=action, actor=actor, version=case.version, **kwargs)


def approved_case(crew, *, name: str = "张三丰", amount: str = "1500.00", region: str = "510802",
                  kind: str = "GSTEST"):
    """A person's claim filed online and approved by a reviewer and a different approver."""
    person = PersonFactory(name=name, id_number=make_id_number(region=region), phone="13812345678")
    applicant = make_user("applicant_person", person=person)
    case = casework.case_create_draft(kind=kind, actor=applicant, applicant_person=person,
                                      requested_amount=Decimal(amount))
    casework.case_submit(case=case, actor=applicant)
    move(case, "accept", crew.intake)
    move(case, "review", crew.reviewer)
    return move(case, "approve", crew.approver)


@pytest.fixture
def published(crew):
    """A notice of two approved cases, running from today."""
    cases = [approved_case(crew), approved_case(crew, name="李四", amount="800.00")]
    notice = services.notice_publish(kind="GSTEST", actor=crew.approver, case_refs=[c.ref for c in cases])
    return notice, cases
