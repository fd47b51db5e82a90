import io

import pytest
from django.core.management import call_command
from django.db import connection

from guangyuan_jobs.audit.models import AuditEvent, AuditSeal
from guangyuan_jobs.audit.selectors import audit_chain_verify
from guangyuan_jobs.audit.services import audit_log, audit_seal_pending
from guangyuan_jobs.audit.tasks import seal_audit_chain


def _events(n, **kwargs):
    return [audit_log(actor=None, event_type="test.event", object_type="test.thing", object_id=str(i),
                      details={"n": i, "name": "张三", "amount": "12.50", **kwargs}) for i in range(n)]


def _tamper(sql: str, params):
    """Change a stored row behind the application's back, as an intruder with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger would refuse; an intruder with owner rights switches it off first.
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER audit_auditseal_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER audit_auditseal_append_only")


@pytest.fixture
def baseline(db) -> int:
    """Events written by migrations (role sync and the like) are sealed first; returns how many."""
    return audit_seal_pending()


def test_sealing_chains_every_event_once_and_verifies(baseline):
    events = _events(7)
    assert audit_seal_pending(batch_size=3) == 7
    assert audit_seal_pending() == 0
    seals = list(AuditSeal.objects.order_by("position"))[baseline:]
    assert [s.event_id for s in seals] == [e.id for e in events]
    assert [s.position for s in seals] == list(range(baseline + 1, baseline + 8))
    assert len({s.chain_hash for s in seals}) == 7

    more = _events(2)
    assert seal_audit_chain.delay().get() == 2
    assert AuditSeal.objects.order_by("-position").first().event_id == more[-1].id
    result = audit_chain_verify()
    assert result.ok and result.checked == baseline + 9 and result.first_bad_event_id is None


def test_an_event_committed_late_with_a_lower_id_is_still_sealed(baseline):
    first = audit_log(actor=None, event_type="test.first")
    # A later id became visible first (its transaction committed sooner) and was sealed...
    later = AuditEvent.objects.create(id=first.id + 10, occurred_at=first.occurred_at, event_type="test.later")
    assert audit_seal_pending() == 2
    # ...then the slower transaction holding the lower id commits.
    slow = AuditEvent.objects.create(id=first.id + 5, occurred_at=first.occurred_at, event_type="test.slow")
    assert audit_seal_pending() == 1
    assert list(AuditSeal.objects.order_by("position").values_list("event_id", flat=True))[baseline:] == [
        first.id, later.id, slow.id]
    assert audit_chain_verify().ok


def test_a_changed_event_is_found_with_its_id(baseline):
    events = _events(5)
    audit_seal_pending()
    victim = events[2]
    _tamper("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["forged", victim.id])

    result = audit_chain_verify()
    assert not result.ok
    assert result.first_bad_event_id == victim.id
    assert result.checked == baseline + 2
    assert result.reason == "封存后该事件被修改。"


def test_a_deleted_event_is_found(baseline):
    events = _events(4)
    audit_seal_pending()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    assert audit_chain_verify().first_bad_event_id == events[1].id


def test_a_rewritten_seal_breaks_the_chain_after_it(baseline):
    events = _events(4)
    audit_seal_pending()
    # Changing an event and recomputing its row hash is not enough: the chain hash no longer follows.
    from guangyuan_jobs.audit import rules

    _tamper("UPDATE audit_auditevent SET outcome = 'failure' WHERE id = %s", [events[1].id])
    fields = AuditEvent.objects.filter(id=events[1].id).values(*rules.CHAIN_FIELDS).get()
    _tamper("UPDATE audit_auditseal SET row_hash = %s WHERE event_id = %s", [rules.row_hash(fields), events[1].id])
    result = audit_chain_verify()
    assert not result.ok and result.first_bad_event_id == events[1].id


def test_verify_command_exits_1_on_a_break_and_0_when_intact(baseline):
    events = _events(3)
    out = io.StringIO()
    call_command("verify_audit_chain", "--seal", stdout=out)
    assert f"{baseline + 3} events checked" in out.getvalue()

    _tamper("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', events[0].id])
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert str(events[0].id) in err.getvalue()
