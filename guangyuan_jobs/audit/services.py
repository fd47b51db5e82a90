"""The one way to write an audit event, and the sealer that hash-chains events after the fact.

Writers only INSERT; the chain is computed later by `audit_seal_pending` (a periodic task), so a
100,000-case batch never queues behind one chain head.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from guangyuan_jobs.audit import rules
from guangyuan_jobs.audit.context import current_source_ip
from guangyuan_jobs.audit.models import AuditEvent, AuditSeal

# Any key that no other advisory lock in this database uses; "gyaudit" in ASCII.
_SEAL_LOCK_KEY = 0x67796175646974
# An event id is taken when the event is inserted, but becomes visible only when its transaction commits,
# so a lower id can appear after a higher one was sealed. No transaction of this application lives this
# long (web requests time out in a minute, Celery tasks in CELERY_TASK_TIME_LIMIT), so any id below one
# sealed this long before the latest seal is either sealed or never coming.
LATE_COMMIT_WINDOW = timedelta(hours=6)


_deferred: ContextVar[list[AuditEvent] | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def audit_deferred():
    """For a unit of work that is one transaction, rolled back whole by any error (an API request under its
    Idempotency-Key): the events it records are written together by one INSERT as it ends, still inside that
    transaction, instead of by one INSERT each (a claim filed and submitted records three). An event's id exists
    only from then on: `audit_log(..., write_now=True)` for one whose id is needed at once."""
    if _deferred.get() is not None:
        yield  # the outermost block writes them
        return
    events: list[AuditEvent] = []
    token = _deferred.set(events)
    try:
        yield
    finally:
        _deferred.reset(token)
    AuditEvent.objects.bulk_create(events)  # not reached after an error: the transaction goes with it


def audit_log(
    *,
    actor,
    event_type: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    details: dict | None = None,
    source_ip: str | None = None,
    write_now: bool = False,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "ref", None) or obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        source_ip=source_ip or current_source_ip.get(),
        event_type=event_type,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        details=details or {},
    )
    deferred = _deferred.get()
    if deferred is not None and not write_now:
        deferred.append(event)
    else:
        event.save(force_insert=True)
    return event


def audit_seal_pending(*, batch_size: int = 5000) -> int:
    """Seal every event not sealed yet, in id order, `batch_size` per transaction. Returns how many."""
    total = 0
    while True:
        sealed = _seal_batch(batch_size)
        total += sealed
        if sealed < batch_size:
            return total


def _take_chain_lock() -> None:
    # Sealers queue here, never writers. SQLite needs nothing: its write transactions are already serial.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])


@transaction.atomic
def _seal_batch(batch_size: int) -> int:
    _take_chain_lock()
    head = AuditSeal.objects.order_by("-position").values("position", "chain_hash", "sealed_at").first()
    position, previous, horizon = 0, rules.GENESIS, 0
    if head is not None:
        position, previous = head["position"], head["chain_hash"]
        # Ids at or below an event sealed well before the latest run cannot still be uncommitted, so the
        # search for unsealed events starts above it instead of scanning the whole table every minute.
        horizon = (AuditSeal.objects.filter(sealed_at__lte=head["sealed_at"] - LATE_COMMIT_WINDOW)
                   .order_by("-position").values_list("event_id", flat=True).first()) or 0
    events = list(
        AuditEvent.objects.filter(id__gt=horizon, seal__isnull=True)
        .order_by("id").values(*rules.CHAIN_FIELDS)[:batch_size]
    )
    if not events:
        return 0
    # Taken after the read: every event in this batch was visible before this time (see LATE_COMMIT_WINDOW).
    sealed_at = timezone.now()
    seals = []
    for fields in events:
        position += 1
        row = rules.row_hash(fields)
        previous = rules.chain_hash(previous, row)
        seals.append(AuditSeal(event_id=fields["id"], position=position, row_hash=row, chain_hash=previous,
                               sealed_at=sealed_at))
    AuditSeal.objects.bulk_create(seals, batch_size=1000)
    return len(seals)
