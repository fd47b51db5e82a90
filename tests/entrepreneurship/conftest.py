import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from entrepreneurship.models import Loan
from entrepreneurship.services.applications import loan_application_file
from entrepreneurship.services.banks import bank_create, bank_staff_assign
from entrepreneurship.services.loans import loan_act
from guangyuan_jobs.casework.services.cases import case_transition
from tests.factories import EnterpriseFactory, make_user

D = datetime.date
CONTRACT_DATE = D(2025, 6, 15)


def application_data(bank, /, **overrides) -> dict:
    data = {"group_code": "returning_migrant", "amount": "150000", "term_months": "24", "bank": bank.code,
            "business_name": "昭化古城农家乐", "business_started_on": "2024-01-10", "purpose": "购置厨房设备和客房装修"}
    data.update(overrides)
    return data


def move(case, action, actor, comment=""):
    case.refresh_from_db()
    return case_transition(case=case, action=action, actor=actor, version=case.version, comment=comment)


def act(loan, action, actor, comment="", **data):
    loan.refresh_from_db()
    return loan_act(loan=loan, action=action, actor=actor, version=loan.version, comment=comment, data=data)


class Crew:
    def __init__(self):
        self.bank = bank_create(code="gyrcb", name="广元农商银行", actor=None, enterprise=EnterpriseFactory(
            name="四川广元农村商业银行股份有限公司"))
        self.other_bank = bank_create(code="icbc-gy", name="工商银行广元分行", actor=None,
                                      enterprise=EnterpriseFactory(name="中国工商银行广元分行"))
        self.applicant = make_user("applicant_person")
        self.firm = make_user("applicant_enterprise")
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.entry = make_user("entry")
        self.finance = make_user("finance")
        self.guarantee = make_user("guarantee")
        self.banker = make_user("bank")
        bank_staff_assign(user=self.banker, bank=self.bank, actor=None)
        self.other_banker = make_user("bank")
        bank_staff_assign(user=self.other_banker, bank=self.other_bank, actor=None)

    def approved_loan(self, applicant=None, **data) -> Loan:
        """An application filed, accepted, reviewed and approved by the Center: the loan awaits the bank."""
        case = loan_application_file(actor=applicant or self.applicant, loan_type=data.pop("loan_type", "individual"),
                                     data=application_data(self.bank, **data), submit=True)
        move(case, "accept", self.intake)
        move(case, "review", self.reviewer)
        move(case, "approve", self.approver)
        return Loan.objects.get(ref=case.ref)

    def disbursed_loan(self, *, contract_date=CONTRACT_DATE, principal="150000", rate="3.50", term="24",
                       contract_no="GY-2025-001", applicant=None, **data) -> Loan:
        loan = self.approved_loan(applicant, **data)
        act(loan, "bank_approve", self.banker)
        act(loan, "guarantee_approve", self.guarantee)
        return act(loan, "disburse", self.banker, contract_no=contract_no, contract_date=contract_date.isoformat(),
                   disbursed_on=contract_date.isoformat(), principal=principal, annual_rate=rate, term_months=term)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # A dozen accounts per test: Argon2 would spend seconds hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def crew(db):
    return Crew()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


ZERO = Decimal("0.00")
