import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from startup_parks.services.certification import certification_apply, evaluation_submit
from startup_parks.services.parks import park_register
from tests.factories import EnterpriseFactory, make_user

PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def full_evidence(application_or_criteria):
    rows = getattr(application_or_criteria, "criteria", application_or_criteria)
    return {r["code"]: [pdf()] for r in rows if r["evidence"]}


def scores(application, total_share=None, **by_code):
    """A score per criterion: the given ones, else every criterion at the same share of its maximum."""
    from decimal import Decimal

    result = {}
    for row in application.criteria:
        if row["code"] in by_code:
            result[row["code"]] = str(by_code[row["code"]])
        else:
            result[row["code"]] = str((Decimal(row["max_score"]) * Decimal(str(total_share or "0.8"))).quantize(
                Decimal("0.01")))
    return result


class Crew:
    def __init__(self):
        self.operator = make_user("applicant_enterprise")
        self.other_operator = make_user("applicant_enterprise")
        self.person = make_user("applicant_person")
        self.entry = make_user("entry")
        self.reviewer = make_user("reviewer")
        self.reviewer2 = make_user("reviewer")
        self.approver = make_user("approver")
        self.manager = make_user("manager")
        self.auditor = make_user("auditor")
        self.cangxi_reviewer = make_user("reviewer", region_code="510824")

    def park(self, *, operator=None, kind="rural_return", level="city", region="510802", name=None):
        operator = operator or self.operator
        return park_register(actor=operator, data={
            "name": name or f"测试园区{operator.pk}{kind}", "kind": kind, "level": level, "region": region,
            "area_m2": "5000", "address": "广元市利州区测试路1号"})

    def apply(self, park, *, with_evidence=True, operator=None):
        from django.utils import timezone

        from guangyuan_jobs.policy.selectors import policy_value
        from startup_parks import rules

        criteria = rules.criteria_for(policy_value(rules.CRITERIA_KEY, on=timezone.localdate(), region="510802"),
                                      park.kind)
        evidence = {c.code: [pdf()] for c in criteria if c.evidence} if with_evidence else {}
        return certification_apply(park=park, evidence=evidence, actor=operator or self.operator)

    def evaluated(self, park=None, *, first="0.8", second="0.8", **kw):
        park = park or self.park(**kw)
        application = self.apply(park)
        evaluation_submit(application=application, scores=scores(application, first), actor=self.reviewer)
        evaluation_submit(application=application, scores=scores(application, second), actor=self.reviewer2)
        application.refresh_from_db()
        return application


@pytest.fixture
def crew(db):
    return Crew()


@pytest.fixture
def firm(db):
    return EnterpriseFactory()
