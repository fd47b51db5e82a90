"""Walk-in filing: an intake clerk files a loan application at the counter for a borrower found in the
registry by their document; the case is the borrower's (they see it under My loans), records the clerk as the
one who filed it, and is audited. Whoever may not file for others is refused, and so is a wrong name."""

import pytest
from django.test import Client

from entrepreneurship.models import LoanApplication
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.registry.models import Person
from tests.entrepreneurship.conftest import api, application_data
from tests.factories import make_credit_code, make_id_number, make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/entrepreneurship/applications/"


def walk_in(crew, user, *, loan_type="individual", applicant=None, **data):
    applicant = applicant if applicant is not None else {"id_number": crew.applicant.person.id_number,
                                                         "name": crew.applicant.person.name}
    return api(user).post(BASE, {"loan_type": loan_type, "applicant": applicant,
                                 "data": application_data(crew.bank, **data)}, format="json")


def test_a_clerk_files_for_a_registered_borrower_who_then_sees_it(crew):
    response = walk_in(crew, crew.intake)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["filed_at_counter"] is True
    case = Case.objects.get(ref=body["ref"])
    assert case.applicant_person == crew.applicant.person and case.created_by == crew.intake
    assert case.region_id == crew.applicant.person.region_id
    event = AuditEvent.objects.get(event_type="entrepreneurship.application.file")
    assert event.actor == crew.intake and event.details["walk_in"] is True
    assert event.details["applicant"] == f"person:{crew.applicant.person.pk}"
    # The borrower sees it under My loans (the loan list page) with "at the counter".
    page = Client()
    page.force_login(crew.applicant)
    html = page.get("/entrepreneurship/").content.decode()
    assert case.ref in html and 'data-testid="my-loan-applications"' in html
    other = Client()
    other.force_login(make_user("applicant_person"))
    assert case.ref not in other.get("/entrepreneurship/").content.decode()


def test_a_new_borrower_is_registered_at_the_counter(crew):
    id_number = make_id_number(region="510811", seq=731)
    response = walk_in(crew, crew.intake, applicant={"id_number": id_number, "name": "王建国", "region": "510811"})
    assert response.status_code == 201, response.content
    person = Person.objects.get(name="王建国")
    case = Case.objects.get(ref=response.json()["ref"])
    assert case.applicant_person == person and case.region_id == "510811"


def test_refusals(crew):
    # A staff member who may not file for others.
    assert walk_in(crew, crew.reviewer).status_code == 403
    # The name on the document differs from the registry's.
    wrong = walk_in(crew, crew.intake, applicant={"id_number": crew.applicant.person.id_number, "name": "李四"})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "applicant_name_mismatch"
    # A malformed ID number.
    bad = walk_in(crew, crew.intake, applicant={"id_number": "5108021990010112", "name": "某某"})
    assert bad.status_code == 400 and "id_number" in bad.json()["error"]["fields"]
    # No applicant named.
    none = api(crew.intake).post(BASE, {"loan_type": "individual", "data": application_data(crew.bank)},
                                 format="json")
    assert none.status_code == 400 and "id_number" in none.json()["error"]["fields"]
    # An enterprise's loan for an unregistered credit code: the intake clerk may not register firms.
    firm = walk_in(crew, crew.intake, loan_type="enterprise", applicant={"credit_code": make_credit_code(seq=88)},
                   current_staff="10", new_hires="3")
    assert firm.status_code == 400 and firm.json()["error"]["code"] == "applicant_unknown"
    # A district outside Guangyuan.
    away = walk_in(crew, crew.intake, applicant={"id_number": make_id_number(region="510811", seq=732),
                                                 "name": "王建国", "region": "110101"})
    assert away.status_code == 400 and "applicant" in away.json()["error"]["fields"]
    # A clerk of 苍溪 may not file for a borrower of 利州.
    cangxi = make_user("intake", region_code="510824")
    assert walk_in(crew, cangxi).status_code == 403
    assert LoanApplication.objects.count() == 0 and not Case.objects.exists()


def test_an_applicant_naming_someone_else_still_files_for_themself(crew):
    other = make_user("applicant_person")
    response = api(crew.applicant).post(BASE, {
        "loan_type": "individual", "applicant": {"id_number": other.person.id_number, "name": other.person.name},
        "data": application_data(crew.bank)}, format="json")
    assert response.status_code == 201
    case = Case.objects.get(ref=response.json()["ref"])
    assert case.applicant_person == crew.applicant.person and response.json()["filed_at_counter"] is False


def test_enterprise_loan_at_the_counter_for_a_registered_firm(crew):
    firm = crew.firm.enterprise
    response = walk_in(crew, crew.intake, loan_type="enterprise",
                       applicant={"credit_code": firm.credit_code, "name": firm.name},
                       current_staff="10", new_hires="3")
    assert response.status_code == 201, response.content
    assert Case.objects.get(ref=response.json()["ref"]).applicant_enterprise == firm


def test_the_counter_page(crew):
    page = Client()
    page.force_login(crew.intake)
    assert page.get("/entrepreneurship/apply/counter/").status_code == 200
    form = {"loan_type": "individual", "applicant-id_number": crew.applicant.person.id_number,
            "applicant-name": crew.applicant.person.name, **application_data(crew.bank)}
    response = page.post("/entrepreneurship/apply/counter/", form)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"].endswith(f"/cases/{case.ref}/") and case.created_by == crew.intake
    wrong = page.post("/entrepreneurship/apply/counter/", {**form, "applicant-name": "李四"})
    assert wrong.status_code == 200 and 'data-testid="loan-form-error"' in wrong.content.decode()
    assert Case.objects.count() == 1
    applicant_page = Client()
    applicant_page.force_login(crew.applicant)
    assert applicant_page.get("/entrepreneurship/apply/counter/").status_code == 403
