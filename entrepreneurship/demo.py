"""Demo data of guaranteed loans for `make run` (idempotent): two cooperating banks with a loan officer each,
a guarantee-fund officer, one loan of the demo applicant disbursed in May 2026 and repaying (so the bank can
upload its 2026 Q3 interest file at once), and a second application waiting for the Center; a collective
credit line of a credit village in 昭化 with a loan drawn on it, filed at the counter by the intake clerk for a
walk-in borrower; and the province's cities' loans of 2020, so the report's headline shows (3,444 loans,
439 million yuan, first in Sichuan)."""

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
    _seed_city_figures(users)
    if LoanApplication.objects.exists():
        _seed_credit_line(users, banks, guarantee)
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
    _seed_credit_line(users, banks, guarantee)
    stdout.write("Entrepreneurship: 2 banks, 3 loan applications (two disbursed, one on a credit line, one filed "
                 "at the counter), the cities' 2020 figures.")


# The report's own figure for Guangyuan (2020 work report, section 一(三)); the other cities' are illustrative
# (no provincial bulletin was read): the demo shows how the rank is worked out, not the province's statistics.
CITY_FIGURES_2020 = (
    ("广元市", 3444, "439000000", "广元市就业服务中心 2020 年工作总结 一(三)：贷款 3444 笔 4.39 亿元，全省第一"),
    ("南充市", 2986, "392000000", "演示数据（非官方统计）"),
    ("绵阳市", 2710, "365500000", "演示数据（非官方统计）"),
    ("达州市", 2450, "318000000", "演示数据（非官方统计）"),
    ("巴中市", 2105, "276000000", "演示数据（非官方统计）"),
)
CREDIT_LINE = {"code": "zhaohua-xinlu", "name": "昭化区新路村信用村整村授信", "holder": "village", "region": "510811",
               "amount": "500000", "valid_from": "2026-01-01", "valid_to": "2027-12-31"}


def _seed_city_figures(users) -> None:
    from entrepreneurship.models import CityLoanFigure
    from entrepreneurship.services.figures import city_figure_record

    if CityLoanFigure.objects.exists():
        return
    for city, loans, amount, source in CITY_FIGURES_2020:
        city_figure_record(data={"year": "2020", "city": city, "loans": str(loans), "amount": amount,
                                 "source": source}, actor=users["manager"])


def _seed_credit_line(users, banks, guarantee) -> None:
    """The intake clerk files, at the counter, the application of a villager of the credit village; the Center
    approves it and the bank draws the loan on the village's line."""
    from entrepreneurship.models import CreditLine
    from entrepreneurship.services.applications import loan_applicant_find
    from entrepreneurship.services.credit_lines import credit_line_create

    if CreditLine.objects.filter(code=CREDIT_LINE["code"]).exists():
        return
    banker = users["bank_rcb"]
    line = credit_line_create(data=CREDIT_LINE, actor=banker)
    borrower = loan_applicant_find(loan_type="individual", actor=users["intake"], id_number="510811198506123315",
                                   name="王建国", region=Region.objects.get(code="510811"))
    case = loan_application_file(actor=users["intake"], loan_type="individual", submit=True, applicant=borrower,
                                 data={"group_code": "rural_entrepreneur", "amount": "100000", "term_months": "24",
                                       "bank": banks[0].code, "business_name": "新路村猕猴桃种植",
                                       "business_started_on": "2025-09-01", "purpose": "购买猕猴桃苗木和滴灌设备",
                                       "recommended_by_incubator": "true"})
    _move(case, "accept", users["intake"])
    _move(case, "review", users["reviewer"])
    _move(case, "approve", users["approver"])
    loan = Loan.objects.get(ref=case.ref)
    _act(loan, "bank_approve", banker)
    _act(loan, "guarantee_approve", guarantee)
    _act(loan, "disburse", banker, contract_no="GYRCB-2026-0611", contract_date="2026-06-10",
         disbursed_on="2026-06-10", principal="100000", annual_rate="3.45", term_months="24", credit_line=line.code)
