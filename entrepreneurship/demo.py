"""Demo data of guaranteed loans for `make run` (idempotent): two cooperating banks with a loan officer each,
a guarantee-fund officer, one loan of the demo applicant disbursed in May 2026 and repaying (so the bank can
upload its 2026 Q3 interest file at once), and a second application waiting for the Center."""

import datetime

from entrepreneurship.models import BankStaff, Loan, LoanApplication
from entrepreneurship.services.applications import loan_application_file
from entrepreneurship.services.banks import bank_create, bank_staff_assign
from entrepreneurship.services.loans import loan_act
from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import applicant_account_create, staff_create
from guangyuan_jobs.casework.services.cases import case_transition
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create

BANKS = (
    ("gyrcb", "广元农商银行", "91510800MA62P7QA0C", "bank_rcb", "农商行 张丽"),
    ("psbc-gy", "邮储银行广元分行", "91510800MA62P8AU5Q", "bank_psbc", "邮储 刘洋"),
)


def _valid_credit_code(seed: str) -> str:
    from stdnum.cn import uscc

    from guangyuan_jobs.core.identifiers import _ORG_CODE_ALPHABET, _ORG_CODE_WEIGHTS

    org = seed[8:16]
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(org, _ORG_CODE_WEIGHTS, strict=True))
    org += {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    body = seed[:8] + org
    return body + uscc.calc_check_digit(body)


def _staff(users, password, username, display, roles):
    user = User.objects.filter(username=username).first() or staff_create(
        username=username, display_name=display, roles=roles, scope=User.Scope.WHOLE_CITY, actor=None,
        password=password)
    users[username] = user
    return user


def _move(case, action, actor):
    case.refresh_from_db()
    return case_transition(case=case, action=action, actor=actor, version=case.version)


def _act(loan, action, actor, **data):
    loan.refresh_from_db()
    return loan_act(loan=loan, action=action, actor=actor, version=loan.version, data=data)


def seed_demo(*, users, password, stdout):
    city = Region.objects.get(code="510800")
    banks = []
    for code, name, credit_code, username, display in BANKS:
        enterprise = enterprise_get_or_create(credit_code=_valid_credit_code(credit_code), name=name, actor=None,
                                              region=city)
        bank = bank_create(code=code, name=name, actor=None, enterprise=enterprise)
        officer = _staff(users, password, username, display, ["bank"])
        if not BankStaff.objects.filter(user=officer).exists():
            bank_staff_assign(user=officer, bank=bank, actor=None)
        banks.append(bank)
    guarantee = _staff(users, password, "guarantee", "担保中心 陈刚", ["guarantee"])
    if LoanApplication.objects.exists():
        return
    applicant = users["applicant"]
    case = loan_application_file(actor=applicant, loan_type="individual", submit=True, data={
        "group_code": "returning_migrant", "amount": "150000", "term_months": "24", "bank": banks[0].code,
        "business_name": "昭化古城农家乐", "business_started_on": "2025-08-01", "purpose": "客房装修和厨房设备"})
    _move(case, "accept", users["intake"])
    _move(case, "review", users["reviewer"])
    _move(case, "approve", users["approver"])
    loan = Loan.objects.get(ref=case.ref)
    _act(loan, "bank_approve", users["bank_rcb"])
    _act(loan, "guarantee_approve", guarantee)
    contract = datetime.date(2026, 5, 20)
    _act(loan, "disburse", users["bank_rcb"], contract_no="GYRCB-2026-0518", contract_date=contract.isoformat(),
         disbursed_on=contract.isoformat(), principal="150000", annual_rate="3.50", term_months="24")
    _act(loan, "repay", users["bank_rcb"], paid_on="2026-08-20", principal="20000", interest="1312.50",
         bank_reference="RCB20260820001")

    second = User.objects.filter(username="loan_applicant").first()
    if second is None:
        person = person_get_or_create(id_number="51082119920315412X", name="李春燕", actor=None,
                                      region=Region.objects.get(code="510821"))
        second = applicant_account_create(username="loan_applicant", password=password,
                                          display_name="李春燕", actor=None, person=person,
                                          phone="13908390123", phone_verified=True)
    users["loan_applicant"] = second
    loan_application_file(actor=second, loan_type="individual", submit=True, data={
        "group_code": "graduate", "amount": "200000", "term_months": "36", "bank": banks[1].code,
        "business_name": "旺苍米仓山茶叶网店", "business_started_on": "2025-03-01", "online_merchant": "true",
        "purpose": "收购春茶和包装"})
    stdout.write("Entrepreneurship: 2 banks, 2 loan applications (one disbursed, repaying).")
