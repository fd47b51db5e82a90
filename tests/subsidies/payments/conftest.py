"""Payment-batch fixtures: kinds paid from each fund, a crew with three finance users, cases brought to the
point of payment through casework's services, and the bank's return file."""

import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.kinds import CaseKind, register_kind
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_set_bank_account, person_set_bank_account
from subsidies.kinds import EMPLOYMENT_FUND, UI_FUND
from tests.casework.conftest import reference_data  # noqa: F401 - a fixture, used by transactional tests
from tests.factories import EnterpriseFactory, PersonFactory, make_user

# Kinds of their own, so these tests do not depend on the subsidy kinds' eligibility and amount rules.
PLAIN_KIND = register_kind(CaseKind(code="PAYP", label="测试拨付补贴", applicant_type="person", fund_source=UI_FUND,
                                    public_notice=False))
NOTICE_KIND = register_kind(CaseKind(code="PAYN", label="测试公示补贴", applicant_type="person",
                                     fund_source=UI_FUND))
FIRM_KIND = register_kind(CaseKind(code="PAYE", label="测试企业奖补", applicant_type="enterprise",
                                   fund_source=EMPLOYMENT_FUND, public_notice=False))

_accounts = itertools.count(1)
BANK = "中国农业银行广元分行"


def new_account() -> str:
    return f"6228480{next(_accounts):012d}"


class Crew:
    def __init__(self):
        self.entry = make_user("entry")
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.approver2 = make_user("approver")
        self.finance = make_user("finance")
        self.finance2 = make_user("finance")
        self.finance3 = make_user("finance")


@pytest.fixture
def crew(db):
    return Crew()


def move(case, action, actor, **kwargs):
    case.refresh_from_db()
    return casework.case_transition(case=case, action=action, actor=actor, version=case.version, **kwargs)


def payable_case(crew, *, kind: str = "PAYP", amount: str = "1200.00", region: str = "510802",
                 account: bool = True, name: str | None = None, stage: str = "payable"):
    """A case filed at the counter and approved (and publicized, for a kind with public notice)."""
    region_obj = Region.objects.get(pk=region)
    if kind == "PAYE":
        firm = EnterpriseFactory(region=region_obj)
        if account:
            enterprise_set_bank_account(enterprise=firm, bank_name=BANK, account_name=firm.name,
                                        account=new_account(), actor=None)
        case = casework.case_create_draft(kind=kind, actor=crew.entry, applicant_enterprise=firm, region=region_obj,
                                          requested_amount=Decimal(amount))
    else:
        person = PersonFactory(region=region_obj, **({"name": name} if name else {}))
        if account:
            person_set_bank_account(person=person, bank_name=BANK, account=new_account(), actor=None)
        case = casework.case_create_draft(kind=kind, actor=crew.entry, applicant_person=person, region=region_obj,
                                          requested_amount=Decimal(amount))
    case = casework.case_submit(case=case, actor=crew.entry)
    for action, actor in (("accept", crew.intake), ("review", crew.reviewer), ("approve", crew.approver)):
        case = move(case, action, actor)
    if kind == "PAYN" and stage == "payable":
        case = move(case, "publicize", crew.approver2)
    return case


def return_file(rows, *, header=("业务参考号", "处理结果", "失败原因"), name="回盘.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
