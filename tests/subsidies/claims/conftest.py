"""Claims fixtures: applicants, one caseworker per step, each kind's valid claim data (dates chosen so the
seeded policy parameters are in force), and helpers that move a claim through casework."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.casework import services as casework
from subsidies.services import claims as services
from tests.factories import make_credit_code, make_id_number, make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def sybzj_data(**changes) -> dict:
    # The 2020 programme: unemployment from 2020-03 to 2020-12, 80 % of 1060 yuan for at most 6 months.
    return {"category": "not_eligible", "unemployed_since": "2020-04-15", "insured_months": 8, **changes}


def jnts_data(**changes) -> dict:
    return {"occupation_code": "4-01-02-01", "occupation_name": "电工", "level": 5,
            "certificate_no": f"CERT{make_id_number()[-8:]}", "issued_on": (today() - datetime.timedelta(days=30)),
            "ui_contribution_months": 24, **changes}


def xnjy_data(**changes) -> dict:
    return {"hired_id_number": make_id_number(), "hired_name": "王小二", "hired_on": "2025-03-01",
            "contract_months": 12, **changes}


def kgbz_data(**changes) -> dict:
    # A registered unemployed young person of 21, hired in 2025 (3 months insured required, 1500 yuan).
    return {"hired_id_number": make_id_number(birth=datetime.date(2003, 6, 1)), "hired_name": "李小青",
            "hired_on": "2025-03-01", "category": "unemployed_youth", "left_school_on": "", "insured_months": 3,
            **changes}


def sbbt_data(**changes) -> dict:
    return {"category": "hard_flexible", "period_start": "2026-01-01", "months": 12,
            "monthly_contribution": "500.00", **changes}


def cybt_data(**changes) -> dict:
    return {"business_name": "利州区小二餐馆", "business_credit_code": make_credit_code(),
            "registered_on": str(today() - datetime.timedelta(days=100)), **changes}


def wgfh_data(**changes) -> dict:
    return {"premium_year": 2025, "size_class": "sme", "average_insured_staff": 50, "new_ui_claimants": 2,
            "prior_year_premiums": "40000.00", "contribution_months": 24, **changes}


DATA = {"SYBZJ": sybzj_data, "JNTS": jnts_data, "XNJY": xnjy_data, "KGBZ": kgbz_data, "SBBT": sbbt_data,
        "CYBT": cybt_data, "WGFH": wgfh_data}
PERSON_KINDS = ("SYBZJ", "JNTS", "SBBT", "CYBT")


class Crew:
    def __init__(self):
        self.person = make_user("applicant_person")
        self.firm = make_user("applicant_enterprise")
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")
        self.approver2 = make_user("approver")
        self.finance = make_user("finance")


@pytest.fixture
def crew(db):
    return Crew()


@pytest.fixture
def reference_data(transactional_db):
    """Regions and seeded policy for transactional tests (a flush drops the data migrations' rows)."""
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
                   "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters"):
        importlib.import_module(module).seed(apps, None)


def applicant_of(user) -> dict:
    return {"applicant_person": user.person} if user.person_id else {"applicant_enterprise": user.enterprise}


def file_claim(user, kind: str, *, submit: bool = False, **changes):
    return services.claim_file(kind=kind, actor=user, data=DATA[kind](**changes), submit=submit,
                               **applicant_of(user))


def move(case, action: str, actor, **kwargs):
    case.refresh_from_db()
    return casework.case_transition(case=case, action=action, actor=actor, version=case.version, **kwargs)


STEPS = {"accepted": [("accept", "intake")], "reviewed": [("accept", "intake"), ("review", "reviewer")],
         "approved": [("accept", "intake"), ("review", "reviewer"), ("approve", "approver")]}


def advance(case, stage: str, crew: Crew):
    for action, who in STEPS[stage]:
        case = move(case, action, getattr(crew, who))
    return case


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
