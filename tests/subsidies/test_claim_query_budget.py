"""The work of filing a claim, pinned: the SQL queries one claim costs through the API (as `make bench` files
them: token, Idempotency-Key, filed and submitted at once, or a draft then its submission), so a repeated
lookup cannot creep back in unnoticed. And the policy reads' cache that keeps the count down: one read per
(key, day, region) within a unit of work, never a stale value across units of work or after a write.

A claim filed and submitted cost 118 queries (the same parameters and regions read again by each rule, a
savepoint per service), then 45, then 29 (one assessment shared by the submission's checks, the case not read
back after its own writes, the permissions in one query), then 21 (the region chain and the parameters in one
statement, no savepoints where any error rolls the request back whole, the months written with the new detail
row, the audit events written together); it costs 20 now (the applicant read locked at once), a draft 18 and its
submission 22, on SQLite as on PostgreSQL.
The budgets leave a few queries of room, so a change that adds a query per parameter or per rule fails here."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, CaseStatus, IdempotencyKey
from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.policy.selectors import (
    PolicyParameterMissing,
    policy_parameter,
    policy_reads_cached,
    policy_value,
)
from guangyuan_jobs.policy.services import parameter_supersede
from subsidies.models import BenefitPeriod, UnemploymentSubsidyDetail
from tests.factories import make_user
from tests.subsidies.claims.conftest import sybzj_data

pytestmark = pytest.mark.django_db
CLAIMS = "/api/v1/subsidies/claims/"
FILE_AND_SUBMIT_BUDGET = 22
DRAFT_BUDGET = 20
SUBMIT_BUDGET = 24
KEY = "sybzj.ui_benefit_standard_monthly"


def applicant_client(user=None) -> APIClient:
    """An applicant signed in by token, as the load scenario's clients are (a fresh user object per request)."""
    token = Token.objects.create(user=user or make_user("applicant_person"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post(client, url, body=None):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def test_filing_and_submitting_a_claim_stays_within_its_query_budget(django_assert_max_num_queries):
    client = applicant_client()
    with django_assert_max_num_queries(FILE_AND_SUBMIT_BUDGET):
        response = post(client, CLAIMS, {"kind": "SYBZJ", "submit": True, "data": sybzj_data()})
    assert response.status_code == 201, response.content
    claim = response.json()
    # Every check still ran: the amount from the parameters, the benefit period held, the audit trail.
    assert claim["status"] == "submitted" and claim["requested_amount"] == "5088.00"
    assert claim["amount"]["parameters"][0]["key"] == KEY
    case = Case.objects.get(ref=claim["ref"])
    assert BenefitPeriod.objects.filter(case=case, voided=False).count() == 1
    assert case.policy_snapshot["amount"]["amount"] == "5088.00"


def test_a_draft_then_its_submission_stay_within_their_budgets(django_assert_max_num_queries):
    client = applicant_client()
    with django_assert_max_num_queries(DRAFT_BUDGET):
        draft = post(client, CLAIMS, {"kind": "SYBZJ", "data": sybzj_data()})
    assert draft.status_code == 201, draft.content
    ref = draft.json()["ref"]
    with django_assert_max_num_queries(SUBMIT_BUDGET):
        submitted = post(client, f"{CLAIMS}{ref}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert Case.objects.get(ref=ref).status == CaseStatus.SUBMITTED


def test_each_parameter_is_read_once_per_claim(settings):
    settings.DB_PREPARED_STATEMENTS = False  # each read shows its table (prepared, it is an EXECUTE by name)
    client = applicant_client()
    with CaptureQueriesContext(connection) as queries:
        response = post(client, CLAIMS, {"kind": "SYBZJ", "submit": True, "data": sybzj_data()})
    assert response.status_code == 201
    parameter_reads = [q["sql"] for q in queries.captured_queries if "policy_policyparameter" in q["sql"]]
    # The rule reads seven keys on one day for one district, at filing, at submission and for the answer.
    assert len(parameter_reads) == 1


def test_a_claim_refused_at_submission_leaves_nothing_and_its_key_can_be_retried():
    """With a key the services open no savepoints of their own: a refusal after the case, its details and
    their audit events were written still rolls all of them back, and keeps no key."""
    user = make_user("applicant_person")
    client, person = applicant_client(user), user.person
    other = BenefitPeriod.objects.create(person=person, benefit=BenefitPeriod.Benefit.TEMPORARY_ALLOWANCE,
                                         start_date=datetime.date(2020, 9, 1), end_date=datetime.date(2020, 11, 30),
                                         source=BenefitPeriod.Source.SOCIAL_INSURANCE)
    body = {"kind": "SYBZJ", "submit": True, "data": sybzj_data()}
    refused = client.post(CLAIMS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "benefit_overlap"
    assert not Case.objects.exists() and not IdempotencyKey.objects.exists()
    assert not UnemploymentSubsidyDetail.objects.exists()
    assert not AuditEvent.objects.filter(event_type__in=["case.create", "subsidies.claim_filed"]).exists()
    BenefitPeriod.objects.filter(pk=other.pk).update(voided=True)
    again = client.post(CLAIMS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert again.status_code == 201 and again.json()["status"] == "submitted"
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1


# --- the cache behind it ---------------------------------------------------------------------------------------

TEST_KEY = "test.cache.amount"
START = datetime.date(2020, 1, 1)


@pytest.fixture
def amount():
    """A national amount of 100 from 2020 on, 150 in Lizhou district (510802) from 2021 on."""
    PolicyParameter.objects.create(key=TEST_KEY, value="100", value_type="decimal", unit="yuan", valid_from=START,
                                   confidence=PolicyParameter.Confidence.UNVERIFIED)
    PolicyParameter.objects.create(key=TEST_KEY, value="150", value_type="decimal", unit="yuan", region_id="510802",
                                   valid_from=datetime.date(2021, 1, 1),
                                   confidence=PolicyParameter.Confidence.UNVERIFIED)


def supersede(value: str, valid_from: datetime.date, region=None):
    parameter_supersede(key=TEST_KEY, region=region, value=value, valid_from=valid_from, document=None,
                        confidence=PolicyParameter.Confidence.UNVERIFIED, note="test", actor=None)


def test_within_a_unit_of_work_a_parameter_is_read_once(amount, django_assert_num_queries):
    on = datetime.date(2021, 5, 1)
    with policy_reads_cached():
        assert policy_value(TEST_KEY, on=on, region="510802") == Decimal("150")
        with django_assert_num_queries(0):
            assert policy_value(TEST_KEY, on=on, region="510802") == Decimal("150")
            with policy_reads_cached():  # a nested block shares the outer one's reads
                assert policy_value(TEST_KEY, on=on, region="510802") == Decimal("150")


def test_days_and_regions_each_get_their_own_value_inside_the_cache(amount):
    """Effective dating and the region chain answer exactly as without the cache."""
    supersede("120", datetime.date(2022, 7, 1))
    asks = [(datetime.date(2020, 6, 1), "510802"), (datetime.date(2021, 6, 1), "510802"),
            (datetime.date(2021, 6, 1), "510821"), (datetime.date(2022, 6, 30), None),
            (datetime.date(2022, 7, 1), None), (datetime.date(2022, 7, 1), "510802"),
            (datetime.date(2022, 7, 1), "510821")]
    plain = [policy_parameter(TEST_KEY, on=on, region=region) for on, region in asks]
    with policy_reads_cached():
        cached = [policy_parameter(TEST_KEY, on=on, region=region) for on, region in asks]
        again = [policy_parameter(TEST_KEY, on=on, region=region) for on, region in asks]
    assert cached == plain == again
    assert [p.value for p in cached] == [Decimal(v) for v in ("100", "150", "100", "100", "120", "150", "120")]


def test_a_write_inside_the_unit_of_work_is_seen_and_the_next_unit_reads_afresh(amount):
    on = datetime.date(2023, 1, 1)
    with policy_reads_cached():
        assert policy_value(TEST_KEY, on=on) == Decimal("100")
        supersede("130", on)
        assert policy_value(TEST_KEY, on=on) == Decimal("130")
    # A change made elsewhere (another web process) is read by the next unit of work.
    PolicyParameter.objects.filter(key=TEST_KEY, valid_from=on).update(value="140")
    with policy_reads_cached():
        assert policy_value(TEST_KEY, on=on) == Decimal("140")


def test_a_missing_parameter_is_still_refused_inside_the_cache(amount):
    with policy_reads_cached(), pytest.raises(PolicyParameterMissing):
        policy_value(TEST_KEY, on=datetime.date(2019, 12, 31))


def test_a_structured_value_cannot_be_changed_through_the_cache():
    PolicyParameter.objects.create(key="test.cache.table", value={"a": [1, 2]}, value_type="json", valid_from=START,
                                   confidence=PolicyParameter.Confidence.UNVERIFIED)
    on = datetime.date(2021, 1, 1)
    with policy_reads_cached():
        policy_value("test.cache.table", on=on)["a"].append(3)
        assert policy_value("test.cache.table", on=on) == {"a": [1, 2]}


def test_outside_a_block_nothing_is_cached(amount, django_assert_num_queries):
    on = datetime.date(2021, 5, 1)
    policy_parameter(TEST_KEY, on=on, region="510802")
    with django_assert_num_queries(1):  # the district's chain and the parameter, in one statement
        policy_parameter(TEST_KEY, on=on, region="510802")
