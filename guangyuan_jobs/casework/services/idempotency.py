"""Idempotency-Key for any write (RFC draft "The Idempotency-Key HTTP Header Field"): the same key from the
same user in the same scope runs the work once and replays its answer; the same key with another request is
refused. Keys are kept IDEMPOTENCY_KEY_RETENTION_DAYS, then purged by a beat task."""

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import IdempotencyKey
from guangyuan_jobs.core.errors import ApplicationError

IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,128}$")  # visible ASCII, as the IETF draft allows


class IdempotencyKeyReused(ApplicationError):
    """The same Idempotency-Key was sent with a different request."""

    http_status = 422
    default_code = "idempotency_key_reused"


@dataclass(frozen=True)
class IdempotentResponse:
    status: int
    body: dict
    replayed: bool


def request_fingerprint(payload) -> str:
    """A hash of a request's content, the same whatever the order of its keys."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


IDEMPOTENCY_PURGE_BATCH = 5000


def idempotency_keys_purge(*, now=None) -> int:
    """Delete the Idempotency-Keys (of every scope) older than settings.IDEMPOTENCY_KEY_RETENTION_DAYS, a few
    thousand per transaction so no request waits long on them. Returns how many went; audited when any did."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.IDEMPOTENCY_KEY_RETENTION_DAYS)
    purged = 0
    while True:
        with transaction.atomic():
            ids = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).order_by("pk")
                       .values_list("pk", flat=True)[:IDEMPOTENCY_PURGE_BATCH])
            if not ids:
                break
            purged += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
    if purged:
        audit_log(actor=None, event_type="casework.idempotency_keys_purged", object_type="casework.idempotencykey",
                  details={"purged": purged, "created_before": cutoff.isoformat(),
                           "retention_days": settings.IDEMPOTENCY_KEY_RETENTION_DAYS})
    return purged


@transaction.atomic
def idempotent_call(*, actor, scope: str, key: str, request_hash: str,
                    call: Callable[[], tuple[int, dict]]) -> IdempotentResponse:
    """Run `call` once per (actor, scope, key) and keep its response; the same key again returns it.

    The key's row is inserted first, in the same transaction as the work: a concurrent request with the same
    key waits on the unique index until the first commits, then replays its response (or, if the first
    failed and rolled back, does the work itself). A failed request keeps no key, so it can be retried.
    """
    key = (key or "").strip()
    if not IDEMPOTENCY_KEY_PATTERN.match(key):
        raise ApplicationError(_("The Idempotency-Key must be 1 to 128 visible ASCII characters."),
                               code="idempotency_key_invalid")
    record_id = _idempotency_key_insert(actor=actor, scope=scope, key=key, request_hash=request_hash)
    if record_id is None:
        record = IdempotencyKey.objects.get(user=actor, scope=scope, key=key)
        if record.request_hash != request_hash:
            raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different request: use a "
                                         "new key for a new request.")) from None
        return IdempotentResponse(status=record.response_status, body=record.response_body, replayed=True)
    status, body = call()
    record = IdempotencyKey(pk=record_id, response_status=status, response_body=body)
    record.save(update_fields=["response_status", "response_body"])
    return IdempotentResponse(status=status, body=body, replayed=False)


def _idempotency_key_insert(*, actor, scope: str, key: str, request_hash: str) -> int | None:
    """The new key row's id, or None when the key is taken. One statement, no savepoint: the unique index
    makes a concurrent request with the same key wait until the first commits (then None) or rolls back
    (then the row is ours)."""
    meta = IdempotencyKey._meta
    quote = connection.ops.quote_name
    columns = ("user_id", "scope", "key", "request_hash", "created_at")
    names = ", ".join(quote(meta.get_field(c.removesuffix("_id")).column) for c in columns)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608 - names from _meta
            f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}",
            [actor.pk, scope, key, request_hash, now])
        row = cursor.fetchone()
    return row[0] if row else None
