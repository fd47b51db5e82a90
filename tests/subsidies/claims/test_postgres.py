"""No double benefits, enforced by PostgreSQL itself: rows inserted by raw SQL, past every service, are refused
by the exclusion and partial unique constraints; and races between requests give one outcome."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.casework.models import Case, IdempotencyKey
from guangyuan_jobs.casework.services import case_create_draft
from guangyuan_jobs.core.errors import ConflictError
from subsidies.models import SkillUpgradeDetail
from subsidies.services import claims as services
from tests.factories import PersonFactory, make_id_number, make_user
from tests.subsidies.claims.conftest import file_claim, jnts_data, sybzj_data

pytestmark = pytest.mark.postgres
D = datetime.date


def _insert_period(person_id: int, start: str, end: str, *, voided: bool = False) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subsidies_benefitperiod (person_id, benefit, start_date, end_date, source, voided, "
            "created_at) VALUES (%s, 'ui_benefit', %s, %s, 'si_import', %s, now())",
            [person_id, start, end, voided])


def test_overlapping_benefit_periods_are_refused_by_the_exclusion_constraint(require_postgres):
    person, other = PersonFactory(), PersonFactory()
    _insert_period(person.pk, "2020-01-01", "2020-04-30")
    with pytest.raises(IntegrityError, match="benefit_period_no_overlap"):
        _insert_period(person.pk, "2020-04-30", "2020-09-30")  # one shared day is an overlap
    _insert_period(person.pk, "2020-05-01", "2020-09-30")  # the next day is not
    _insert_period(person.pk, "2020-03-01", "2020-03-31", voided=True)  # a void period holds nothing
    _insert_period(other.pk, "2020-01-01", "2020-12-31")  # another person


def test_a_submitted_unemployment_subsidy_holds_its_period_against_raw_inserts(require_postgres):
    applicant = make_user("applicant_person")
    file_claim(applicant, "SYBZJ", submit=True)  # 2020-04-15 to 2020-10-14
    with pytest.raises(IntegrityError):
        _insert_period(applicant.person_id, "2020-10-14", "2020-12-31")
    _insert_period(applicant.person_id, "2020-10-15", "2020-12-31")


def _draft_without_details(user, kind: str) -> Case:
    owner = {"applicant_person": user.person} if user.person_id else {"applicant_enterprise": user.enterprise}
    return case_create_draft(kind=kind, actor=user, **owner)


def test_one_hiring_subsidy_per_hired_person_by_raw_insert(require_postgres):
    first = file_claim(make_user("applicant_enterprise"), "XNJY")
    hired = first.hiring_subsidy.hired_person_id
    second_firm = make_user("applicant_enterprise")
    second = _draft_without_details(second_firm, "XNJY")
    sql = ("INSERT INTO subsidies_hiringsubsidydetail (case_id, enterprise_id, hired_person_id, hired_on, "
           "contract_months, voided) VALUES (%s, %s, %s, '2025-03-01', 12, %s)")
    with pytest.raises(IntegrityError, match="xnjy_one_employer_per_person"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [second.pk, second_firm.enterprise_id, hired, False])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [second.pk, second_firm.enterprise_id, hired, True])  # a voided row holds nothing


def test_one_job_expansion_subsidy_per_hired_person_by_raw_insert(require_postgres):
    first = file_claim(make_user("applicant_enterprise"), "KGBZ")
    hired = first.job_expansion_subsidy.hired_person_id
    second_firm = make_user("applicant_enterprise")
    second = _draft_without_details(second_firm, "KGBZ")
    sql = ("INSERT INTO subsidies_jobexpansionsubsidydetail (case_id, enterprise_id, hired_person_id, hired_on, "
           "category, insured_months, voided) VALUES (%s, %s, %s, '2025-03-01', 'unemployed_youth', 3, %s)")
    with pytest.raises(IntegrityError, match="kgbz_one_employer_per_person"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [second.pk, second_firm.enterprise_id, hired, False])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [second.pk, second_firm.enterprise_id, hired, True])  # a voided row holds nothing


def test_skill_upgrade_once_per_occupation_level_and_certificate_by_raw_insert(require_postgres):
    applicant = make_user("applicant_person")
    first = file_claim(applicant, "JNTS", certificate_no="CERT-PG-1")
    detail = SkillUpgradeDetail.objects.get(case=first)
    second = _draft_without_details(applicant, "JNTS")
    sql = ("INSERT INTO subsidies_skillupgradedetail (case_id, person_id, occupation_code, occupation_name, level, "
           "certificate_no, issued_on, ui_contribution_months, voided) VALUES (%s, %s, %s, '电工', %s, %s, "
           "'2026-10-01', 24, false)")
    for occupation, level, certificate, constraint in (
            (detail.occupation_code, detail.level, "CERT-PG-2", "jnts_once_per_occupation_level"),
            ("9-99", 4, "CERT-PG-1", "jnts_once_per_certificate")):
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [second.pk, applicant.person_id, occupation, level, certificate])


def _race(workers: int, work) -> tuple[list, list]:
    barrier = threading.Barrier(workers, timeout=60)
    results, errors = [], []
    lock = threading.Lock()

    def run(index):
        try:
            barrier.wait()
            outcome = work(index)
            with lock:
                results.append(outcome)
        except Exception as exc:  # noqa: BLE001 - the test reads them
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_skill_submissions_keep_the_yearly_limit(require_postgres, reference_data):
    applicant = make_user("applicant_person")
    drafts = [file_claim(applicant, "JNTS", **jnts_data(occupation_code=f"4-0{i}")) for i in range(5)]

    def submit(index):
        user = User.objects.get(pk=applicant.pk)
        return services.claim_submit(case=drafts[index], actor=user).ref

    results, errors = _race(5, submit)
    assert len(results) == 3 and len(errors) == 2
    assert all(isinstance(e, ConflictError) and e.code == "yearly_limit" for e in errors), errors
    assert Case.objects.filter(kind="JNTS", status="submitted").count() == 3


def test_concurrent_submissions_of_both_hiring_subsidies_for_one_person_give_one(require_postgres, reference_data,
                                                                               monkeypatch):
    from subsidies import kinds

    read = kinds._live_claims_of_hired_person

    def slow_read(*args):
        refs = read(*args)
        time.sleep(0.5)  # the other submission would read meanwhile, were it not held by the hired person's lock
        return refs

    monkeypatch.setattr(kinds, "_live_claims_of_hired_person", slow_read)
    number = make_id_number(birth=datetime.date(2003, 6, 1))
    firms = [make_user("applicant_enterprise"), make_user("applicant_enterprise")]
    drafts = [file_claim(firms[0], "XNJY", hired_id_number=number),
              file_claim(firms[1], "KGBZ", hired_id_number=number)]

    def submit(index):
        user = User.objects.get(pk=firms[index].pk)
        return services.claim_submit(case=drafts[index], actor=user).ref

    results, errors = _race(2, submit)
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ConflictError) and errors[0].code in ("combined_with_kgbz", "combined_with_xnjy")
    assert results[0] in str(errors[0].message)
    assert Case.objects.filter(kind__in=("XNJY", "KGBZ"), status="submitted").count() == 1


def test_concurrent_uses_of_one_idempotency_key_give_one_claim(require_postgres, reference_data):
    applicant = make_user("applicant_person")
    body = {"kind": "SYBZJ", "submit": True, "data": sybzj_data()}

    def post(_index):
        client = APIClient()
        client.force_authenticate(user=User.objects.get(pk=applicant.pk))
        response = client.post("/api/v1/subsidies/claims/", body, format="json", HTTP_IDEMPOTENCY_KEY="race-1")
        return response.status_code, response.json()

    results, errors = _race(8, post)
    assert not errors, errors
    assert {status for status, _body in results} == {201}
    assert len({body["ref"] for _status, body in results}) == 1
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_an_overlap_only_the_constraint_sees_is_a_409_and_leaves_nothing(require_postgres, reference_data,
                                                                         monkeypatch):
    """Filed and submitted with an Idempotency-Key, the benefit period is inserted without a savepoint of its
    own: the exclusion constraint's refusal (here of a period the rules could not see, as in a race the person
    lock did not cover) is still a 409 naming the overlap, and the whole request is undone: no case, no key."""
    import subsidies.kinds

    applicant = make_user("applicant_person")
    _insert_period(applicant.person_id, "2020-06-01", "2020-06-30")
    monkeypatch.setattr(subsidies.kinds, "_benefit_overlaps", lambda **kwargs: ())
    client = APIClient()
    client.force_authenticate(user=applicant)
    response = client.post("/api/v1/subsidies/claims/", {"kind": "SYBZJ", "submit": True, "data": sybzj_data()},
                           format="json", HTTP_IDEMPOTENCY_KEY="overlap-1")
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "benefit_overlap"
    assert not Case.objects.exists() and not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("with_key", [True, False], ids=["Idempotency-Key", "no key"])
def test_claims_filed_and_submitted_at_once_through_the_api_keep_the_yearly_limit(require_postgres, reference_data,
                                                                                    with_key):
    """The API reads the applicant locked as it files (claim_applicant_own), in the request's one transaction
    with or without a key: five skill-upgrade claims sent at once by one person, three pass, two are refused."""
    applicant = make_user("applicant_person")

    def post(index):
        client = APIClient()
        client.force_authenticate(user=User.objects.get(pk=applicant.pk))
        headers = {"HTTP_IDEMPOTENCY_KEY": f"skill-{index}"} if with_key else {}
        response = client.post("/api/v1/subsidies/claims/", {
            "kind": "JNTS", "submit": True, "data": jnts_data(occupation_code=f"4-0{index}")}, format="json", **headers)
        return response.status_code, response.json()

    results, errors = _race(5, post)
    assert not errors, errors
    assert sorted(status for status, _body in results) == [201, 201, 201, 409, 409]
    assert {body["error"]["code"] for status, body in results if status == 409} == {"yearly_limit"}
    assert Case.objects.filter(kind="JNTS", status="submitted").count() == 3
    assert not Case.objects.filter(kind="JNTS").exclude(status="submitted").exists()  # the refused left nothing
