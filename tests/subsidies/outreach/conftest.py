"""Outreach fixtures: hand-built cases (rows, not the claim flow, so the dates are exactly the test's), an
empty SMS outbox and cache for each test."""

import datetime
import itertools
import zoneinfo

import pytest
from django.core.cache import cache

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from guangyuan_jobs.casework.models import Case, CaseStatus

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def hand_case(*, kind: str, person=None, enterprise=None, status: str = CaseStatus.PAID, region: str = "510802",
              submitted: datetime.date | None = None, paid: datetime.date | None = None) -> Case:
    return Case.objects.create(
        ref=f"{kind}-T-{next(_refs):06d}", kind=kind, applicant_person=person, applicant_enterprise=enterprise,
        region_id=region, status=status, submitted_at=at(submitted) if submitted else None,
        paid_at=at(paid, 16) if paid else None,
    )
