"""parameter_supersede: the period in force is closed the day before, the new one added, all audited; an
overlapping period is refused and nothing changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.policy.models import PolicyDocument, PolicyParameter
from guangyuan_jobs.policy.selectors import policy_value
from guangyuan_jobs.policy.services import parameter_supersede

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin_user(staff):
    return staff("admin")


def supersede(actor, **overrides):
    args = {"key": "wgfh.ratio.sme", "region": None, "value": "0.75", "valid_from": D(2026, 1, 1), "document": None,
            "confidence": "unverified", "note": "test", "actor": actor}
    args.update(overrides)
    return parameter_supersede(**args)


def test_supersede_closes_the_period_in_force_and_adds_the_new_one(admin_user):
    document = PolicyDocument.objects.create(doc_no="测试〔2026〕1号", title="测试文件", level="national")
    old = PolicyParameter.objects.get(key="wgfh.ratio.sme", region=None, valid_from=D(2023, 1, 1))
    # The seeded 2023-2025 period is closed on 2025-12-31; add an open one and supersede it mid-2026.
    new = supersede(admin_user, valid_from=D(2026, 1, 1), value="0.60", document=document)
    newer = supersede(admin_user, valid_from=D(2026, 7, 1), value="0.75")

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.valid_to == D(2025, 12, 31)  # untouched: it ended before the new period
    assert (new.valid_from, new.valid_to) == (D(2026, 1, 1), D(2026, 6, 30))
    assert (newer.valid_from, newer.valid_to, newer.value, newer.value_type, newer.unit) == (
        D(2026, 7, 1), None, "0.75", "decimal", "ratio")
    assert newer.created_by == admin_user
    assert policy_value("wgfh.ratio.sme", on=D(2026, 6, 30)) == Decimal("0.60")
    assert policy_value("wgfh.ratio.sme", on=D(2026, 7, 1)) == Decimal("0.75")

    event = AuditEvent.objects.filter(event_type="policy.parameter_superseded").order_by("-id").first()
    assert event.actor_id == admin_user.pk
    assert event.object_id == str(newer.pk)
    assert event.details["value"] == "0.75"
    assert event.details["closed"] == {"id": new.pk, "value": "0.60", "valid_to": "2026-06-30"}


def test_supersede_inside_an_open_period_closes_it_the_day_before(admin_user):
    current = PolicyParameter.objects.get(key="casework.time_limit_days.default", region_id="510800")
    parameter_supersede(key="casework.time_limit_days.default", region="510800", value="15",
                        valid_from=D(2027, 3, 1), document=None, confidence="unverified", note="", actor=admin_user)
    current.refresh_from_db()
    assert current.valid_to == D(2027, 2, 28)
    assert policy_value("casework.time_limit_days.default", on=D(2027, 2, 28), region="510802") == 20
    assert policy_value("casework.time_limit_days.default", on=D(2027, 3, 1), region="510802") == 15


@pytest.mark.parametrize("valid_from", [D(2023, 1, 1), D(2022, 6, 1)])
def test_a_period_starting_on_or_before_an_existing_start_is_refused(admin_user, valid_from):
    before = list(PolicyParameter.objects.filter(key="wgfh.ratio.sme").values_list("pk", "valid_from", "valid_to"))
    with pytest.raises(ValidationError) as caught:
        supersede(admin_user, valid_from=valid_from)
    assert "不得重叠" in caught.value.messages[0]
    after = list(PolicyParameter.objects.filter(key="wgfh.ratio.sme").values_list("pk", "valid_from", "valid_to"))
    assert after == before
    assert not AuditEvent.objects.filter(event_type="policy.parameter_superseded").exists()


def test_a_region_has_its_own_succession(admin_user):
    # A Guangyuan value between national periods does not touch the national rows.
    parameter_supersede(key="wgfh.ratio.sme", region="510800", value="0.65", valid_from=D(2024, 1, 1),
                        document=None, confidence="unverified", note="", actor=admin_user)
    assert policy_value("wgfh.ratio.sme", on=D(2024, 6, 1), region="510802") == Decimal("0.65")
    assert policy_value("wgfh.ratio.sme", on=D(2024, 6, 1)) == Decimal("0.60")


def test_a_value_of_the_wrong_type_is_refused(admin_user):
    with pytest.raises(ValidationError):
        supersede(admin_user, value="thirty percent")
    with pytest.raises(ValidationError):
        parameter_supersede(key="jnts.max_per_year", region=None, value="3.5", valid_from=D(2027, 1, 1),
                            document=None, confidence="verified", note="", actor=admin_user)
    assert not PolicyParameter.objects.filter(valid_from__gte=D(2026, 1, 1), key__in=["wgfh.ratio.sme",
                                                                                      "jnts.max_per_year"]).exists()


def test_a_new_key_needs_its_type(admin_user):
    with pytest.raises(ValidationError):
        parameter_supersede(key="test.brand_new", region=None, value="1", valid_from=D(2027, 1, 1), document=None,
                            confidence="unverified", note="", actor=admin_user)
    created = parameter_supersede(key="test.brand_new", region=None, value="1", valid_from=D(2027, 1, 1),
                                  document=None, confidence="unverified", note="", actor=admin_user,
                                  value_type="integer", unit="days")
    assert policy_value("test.brand_new", on=D(2027, 1, 1)) == 1
    assert created.unit == "days"


def test_postgres_refuses_overlapping_periods_written_around_the_service(require_postgres):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        # 2024-06-01 falls inside the seeded 2023-2025 national period.
        cursor.execute(
            "INSERT INTO policy_policyparameter (key, value, value_type, unit, region_id, valid_from, valid_to,"
            " confidence, note, created_at) VALUES ('wgfh.ratio.sme', '\"0.9\"', 'decimal', 'ratio', NULL,"
            " '2024-06-01', NULL, 'unverified', '', now())"
        )
