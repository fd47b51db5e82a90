import pytest
from django.db import DatabaseError, connection, transaction

from guangyuan_jobs.audit.models import AuditEvent, AuditSeal
from guangyuan_jobs.audit.services import audit_log, audit_seal_pending


def _refused(sql: str, params) -> str:
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc_info.value)


def test_postgres_refuses_update_and_delete_of_events_and_seals(require_postgres):
    event = audit_log(actor=None, event_type="test.event", details={"x": 1})
    audit_seal_pending()

    assert "append-only" in _refused("UPDATE audit_auditevent SET event_type = 'forged' WHERE id = %s", [event.id])
    assert "append-only" in _refused("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
    assert "append-only" in _refused("UPDATE audit_auditseal SET row_hash = 'x' WHERE event_id = %s", [event.id])
    assert "append-only" in _refused("DELETE FROM audit_auditseal WHERE event_id = %s", [event.id])
    # Through the ORM too, and nothing changed.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.event_type == "test.event" and event.outcome == "success"
    assert AuditSeal.objects.filter(event_id=event.id).exists()


def test_inserts_and_sealing_still_work_under_the_trigger(require_postgres):
    audit_seal_pending()
    audit_log(actor=None, event_type="test.one")
    audit_log(actor=None, event_type="test.two")
    assert audit_seal_pending() == 2
    assert AuditEvent.objects.filter(event_type__startswith="test.").count() == 2
