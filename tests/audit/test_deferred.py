"""audit_deferred: the events of one unit of work are written together by one INSERT as it ends, in the order
recorded; an error inside writes none (the unit's transaction is undone anyway); an event whose id is needed at
once is written at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_deferred, audit_log

pytestmark = pytest.mark.django_db


def inserts(captured) -> int:
    return sum(1 for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditevent"'))


def test_the_events_of_a_unit_of_work_are_written_together_in_order():
    with CaptureQueriesContext(connection) as captured, transaction.atomic(), audit_deferred():
        first = audit_log(actor=None, event_type="test.first", details={"n": 1})
        with audit_deferred():  # a nested block leaves the writing to the outer one
            audit_log(actor=None, event_type="test.second")
        assert not AuditEvent.objects.filter(event_type__startswith="test.").exists()
        audit_log(actor=None, event_type="test.third")
    assert inserts(captured) == 1
    written = list(AuditEvent.objects.filter(event_type__startswith="test.").order_by("pk"))
    assert [e.event_type for e in written] == ["test.first", "test.second", "test.third"]
    assert written[0].details == {"n": 1} and written[0].occurred_at == first.occurred_at


def test_an_error_inside_writes_none():
    with pytest.raises(ZeroDivisionError), transaction.atomic(), audit_deferred():
        audit_log(actor=None, event_type="test.lost")
        1 / 0  # noqa: B018 - the unit of work fails
    assert not AuditEvent.objects.filter(event_type="test.lost").exists()


def test_an_event_needed_at_once_is_written_at_once():
    with transaction.atomic(), audit_deferred():
        now = audit_log(actor=None, event_type="test.now", write_now=True)
        later = audit_log(actor=None, event_type="test.later")
        assert now.pk is not None and later.pk is None
        assert AuditEvent.objects.filter(pk=now.pk, event_type="test.now").exists()
    assert AuditEvent.objects.filter(event_type="test.later").count() == 1
