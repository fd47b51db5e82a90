import datetime

import pytest

from guangyuan_jobs.accounts.rules import normalise_phone, password_expired, role_conflicts, session_expired

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(("roles", "conflict"), [
    (["reviewer", "approver"], ()),
    (["admin"], ()),
    (["admin", "reviewer"], ()),
    (["security", "auditor"], ("auditor", "security")),
    (["admin", "security", "auditor", "finance"], ("admin", "auditor", "security")),
])
def test_separation_of_duties(roles, conflict):
    assert role_conflicts(roles) == conflict


@pytest.mark.parametrize(("age_days", "expired"), [(0, False), (90, False), (90.01, True), (400, True)])
def test_password_age(age_days, expired):
    changed = NOW - datetime.timedelta(days=age_days)
    assert password_expired(changed_at=changed, joined_at=NOW, now=NOW, max_age_days=90) is expired


def test_password_never_changed_counts_from_joining_and_zero_days_means_never():
    joined = NOW - datetime.timedelta(days=91)
    assert password_expired(changed_at=None, joined_at=joined, now=NOW, max_age_days=90)
    assert not password_expired(changed_at=None, joined_at=joined, now=NOW, max_age_days=0)


def test_session_absolute_limit():
    assert not session_expired(started_at=NOW - datetime.timedelta(hours=12), now=NOW, max_hours=12)
    assert session_expired(started_at=NOW - datetime.timedelta(hours=12, seconds=1), now=NOW, max_hours=12)


@pytest.mark.parametrize(("raw", "normalised"), [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("12800138000", ""),  # no such mobile prefix
    ("1380013800", ""),
    ("", ""),
    ("0839-1234567", ""),  # a landline
])
def test_mobile_numbers(raw, normalised):
    assert normalise_phone(raw) == normalised
