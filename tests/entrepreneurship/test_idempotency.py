"""Idempotency-Key on filing a loan application through the API (the kernel's casework.IdempotencyKey, as the
subsidy claims use it): the same key again by the same user replays the first answer and files nothing; the
same key with a different body is refused with a message; a key is the user's own."""

import pytest

from entrepreneurship.models import LoanApplication
from guangyuan_jobs.casework.models import Case, IdempotencyKey
from tests.entrepreneurship.conftest import api, application_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/entrepreneurship/applications/"


def post(user, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api(user).post(BASE, body, format="json", **headers)


def test_the_same_key_replays_the_first_answer(crew):
    body = {"loan_type": "individual", "data": application_data(crew.bank)}
    first = post(crew.applicant, body, "k-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = post(crew.applicant, body, "k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Case.objects.count() == 1 and LoanApplication.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(crew):
    post(crew.applicant, {"loan_type": "individual", "data": application_data(crew.bank)}, "k-2")
    changed = post(crew.applicant, {"loan_type": "individual", "data": application_data(crew.bank, amount="90000")},
                   "k-2")
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert changed.json()["error"]["message"]
    assert Case.objects.count() == 1


def test_without_a_key_a_second_filing_is_a_duplicate(crew):
    body = {"loan_type": "individual", "data": application_data(crew.bank)}
    assert post(crew.applicant, body).status_code == 201
    duplicate = post(crew.applicant, body)
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "duplicate_claim"


def test_a_key_belongs_to_its_user_and_a_failed_request_keeps_none(crew):
    other = make_user("applicant_person")
    body = {"loan_type": "individual", "data": application_data(crew.bank)}
    assert post(crew.applicant, body, "shared").status_code == 201
    theirs = post(other, body, "shared")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Case.objects.count() == 2
    # A refused request (bad data) leaves no key behind: the corrected request with the same key is filed.
    third = make_user("applicant_person")
    bad = post(third, {"loan_type": "individual", "data": application_data(crew.bank, amount="0")}, "retry")
    assert bad.status_code == 400 and not IdempotencyKey.objects.filter(user=third).exists()
    assert post(third, body, "retry").status_code == 201


def test_a_malformed_key_is_refused(crew):
    response = post(crew.applicant, {"loan_type": "individual", "data": application_data(crew.bank)}, "x" * 129)
    assert response.status_code == 400 and response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Case.objects.exists()


def test_a_counter_clerk_retrying_files_once(crew):
    body = {"loan_type": "individual", "data": application_data(crew.bank),
            "applicant": {"id_number": crew.applicant.person.id_number}}
    first = post(crew.intake, body, "counter-1")
    second = post(crew.intake, body, "counter-1")
    assert first.status_code == second.status_code == 201 and first.json()["ref"] == second.json()["ref"]
    assert Case.objects.filter(applicant_person=crew.applicant.person).count() == 1
