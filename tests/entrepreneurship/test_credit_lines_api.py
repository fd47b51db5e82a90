"""Collective credit lines through the API: listed with filters and scoped like the page (a bank its own lines,
the Center all, applicants none), read with what remains and the loans drawn, granted only by a bank's staff,
and drawn on at disbursement, never beyond what remains."""

from decimal import Decimal

import pytest

from entrepreneurship.models import Loan, LoanStatus
from entrepreneurship.services.credit_lines import credit_line_create
from guangyuan_jobs.audit.models import AuditEvent
from tests.entrepreneurship.conftest import act, api
from tests.entrepreneurship.test_credit_lines import guaranteed, line_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/entrepreneurship/credit-lines/"


def draw_body(loan, principal, contract_no="C1", date="2025-06-15", **extra):
    loan.refresh_from_db()
    return {"loan": loan.ref, "version": loan.version, "contract_no": contract_no, "contract_date": date,
            "disbursed_on": date, "principal": principal, "annual_rate": "3.50", "term_months": "24", **extra}


def test_list_filters_and_scope(crew):
    credit_line_create(data=line_data(), actor=crew.banker)
    credit_line_create(data=line_data(code="park-1", name="广元经开区创业园授信", holder="park", region="510821"),
                       actor=crew.banker)
    credit_line_create(data=line_data(code="icbc-1", name="工行青川县授信", region="510822"), actor=crew.other_banker)
    manager = make_user("manager")
    assert api(manager).get(BASE).json()["count"] == 3
    mine = api(crew.banker).get(BASE).json()
    assert sorted(r["code"] for r in mine["results"]) == ["park-1", "zhaohua-xinlu"]
    assert [r["code"] for r in api(manager).get(BASE, {"holder": "park"}).json()["results"]] == ["park-1"]
    assert [r["code"] for r in api(manager).get(BASE, {"region": "510822"}).json()["results"]] == ["icbc-1"]
    assert [r["code"] for r in api(manager).get(BASE, {"bank": "icbc-gy"}).json()["results"]] == ["icbc-1"]
    assert api(manager).get(BASE, {"in_force_on": "2027-01-01"}).json()["count"] == 0
    assert api(manager).get(BASE, {"in_force_on": "2026-12-31"}).json()["count"] == 3
    assert api(manager).get(BASE, {"q": "创业园"}).json()["count"] == 1
    assert api(manager).get(BASE, {"holder": "nonsense"}).status_code == 400
    # Applicants and staff without the permission are refused; another bank does not see the line at all.
    assert api(crew.applicant).get(BASE).status_code == 403
    assert api(crew.finance).get(BASE).status_code == 403
    assert api(crew.other_banker).get(f"{BASE}zhaohua-xinlu/").status_code == 404
    assert api(crew.applicant).get(f"{BASE}zhaohua-xinlu/").status_code == 404


def test_create_by_a_bank_only_and_bad_data_is_a_400(crew):
    response = api(crew.banker).post(BASE, line_data(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["bank"], body["amount"], body["drawn"], body["remaining"], body["loans"]) == (
        "gyrcb", "250000.00", "0.00", "250000.00", [])
    assert AuditEvent.objects.filter(event_type="entrepreneurship.credit_line.create").count() == 1
    assert api(make_user("manager")).post(BASE, line_data(code="m-1"), format="json").status_code == 403
    assert api(crew.applicant).post(BASE, line_data(code="a-1"), format="json").status_code == 403
    again = api(crew.banker).post(BASE, line_data(), format="json")
    assert again.status_code == 400 and "code" in again.json()["error"]["fields"]
    bad = api(crew.banker).post(BASE, line_data(code="b-1", amount="0", valid_to="2024-12-31"), format="json")
    assert bad.status_code == 400 and {"amount", "valid_to"} <= set(bad.json()["error"]["fields"])
    outside = api(crew.banker).post(BASE, line_data(code="b-2", region="110101"), format="json")
    assert outside.status_code == 400 and "region" in outside.json()["error"]["fields"]


def test_draw_up_to_the_remaining_amount_and_not_a_fen_more(crew):
    credit_line_create(data=line_data(), actor=crew.banker)  # 250,000.00
    first, second, third = guaranteed(crew), guaranteed(crew), guaranteed(crew)
    response = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(first, "150000"), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == LoanStatus.REPAYING and response.json()["credit_line"] == "zhaohua-xinlu"
    # 100,000.00 remain: 100,000.01 is refused, and the loan is left as it was.
    over = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(second, "100000.01", "C2"), format="json")
    assert over.status_code == 400
    assert "100000.00" in " ".join(over.json()["error"]["fields"]["credit_line"])
    second.refresh_from_db()
    assert second.status == LoanStatus.GUARANTEED and second.credit_line is None and second.principal is None
    exact = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(second, "100000", "C2"), format="json")
    assert exact.status_code == 200
    detail = api(crew.banker).get(f"{BASE}zhaohua-xinlu/").json()
    assert (detail["drawn"], detail["remaining"]) == ("250000.00", "0.00")
    assert sorted(loan["ref"] for loan in detail["loans"]) == sorted([first.ref, second.ref])
    empty = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(third, "0.01", "C3"), format="json")
    assert empty.status_code == 400
    # A declined loan gives its draw back: none here, so the line stays used up.
    assert Loan.objects.filter(credit_line__code="zhaohua-xinlu").count() == 2


def test_draw_refusals(crew):
    credit_line_create(data=line_data(), actor=crew.banker)
    credit_line_create(data=line_data(code="icbc-1", region="510802"), actor=crew.other_banker)
    loan = guaranteed(crew)
    # Another bank's officer: neither the line nor the loan is theirs to see.
    assert api(crew.other_banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(loan, "1000"),
                                       format="json").status_code == 404
    # The guarantee fund sees the line and the loan but may not disburse.
    assert api(crew.guarantee).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(loan, "1000"),
                                    format="json").status_code == 403
    # The other bank's line is not this bank's to draw on: its officer does not even see it.
    assert api(crew.banker).post(f"{BASE}icbc-1/draws/", draw_body(loan, "1000"), format="json").status_code == 404
    # Outside the line's period.
    late = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(loan, "1000", date="2024-12-31"),
                                 format="json")
    assert late.status_code == 400 and "credit_line" in late.json()["error"]["fields"]
    # A stale version: 409, nothing drawn.
    stale = draw_body(loan, "1000")
    stale["version"] -= 1
    assert api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", stale, format="json").status_code == 409
    loan.refresh_from_db()
    assert loan.status == LoanStatus.GUARANTEED and loan.credit_line is None


def test_a_borrower_outside_the_district_cannot_draw(crew):
    credit_line_create(data=line_data(region="510821"), actor=crew.banker)  # 旺苍; the borrower lives in 利州
    loan = guaranteed(crew)
    response = api(crew.banker).post(f"{BASE}zhaohua-xinlu/draws/", draw_body(loan, "1000"), format="json")
    assert response.status_code == 400
    assert Decimal(api(crew.banker).get(f"{BASE}zhaohua-xinlu/").json()["remaining"]) == Decimal("250000")


def test_loans_on_the_line_are_scoped_for_a_district_reviewer(crew):
    credit_line_create(data=line_data(), actor=crew.banker)
    loan = guaranteed(crew)
    act(loan, "disburse", crew.banker, contract_no="C1", contract_date="2025-06-15", disbursed_on="2025-06-15",
        principal="1000", annual_rate="3.50", term_months="24", credit_line="zhaohua-xinlu")
    manager = make_user("manager")
    cangxi = make_user("manager", region_code="510824")
    assert len(api(manager).get(f"{BASE}zhaohua-xinlu/").json()["loans"]) == 1
    seen = api(cangxi).get(f"{BASE}zhaohua-xinlu/").json()
    # The line's totals count every loan; its list shows only the loans of the reader's area.
    assert seen["drawn"] == "1000.00" and seen["loans"] == []
