"""Reading the audit trail: the auditor's search and the chain check."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit import rules
from guangyuan_jobs.audit.models import AuditEvent, AuditSeal

_VERIFY_CHUNK = 2000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_event_id: int | None
    reason: str


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(*, filters: dict) -> QuerySet[AuditEvent]:
    """Events matching the auditor's filters (cleaned form data), newest first."""
    events = AuditEvent.objects.all()
    if filters.get("actor"):
        events = events.filter(actor_username=filters["actor"])
    if filters.get("event_type"):
        # A prefix, so "casework." finds every case event.
        events = events.filter(event_type__startswith=filters["event_type"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("outcome"):
        events = events.filter(outcome=filters["outcome"])
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    return events.order_by("-id")


def audit_event_get(*, event_id: int) -> AuditEvent | None:
    return AuditEvent.objects.select_related("seal").filter(pk=event_id).first()


def _verify_chunk(seals: list[tuple], previous: str, checked: int) -> tuple[str, int, VerifyResult | None]:
    events = {e["id"]: e for e in AuditEvent.objects.filter(id__in=[s[1] for s in seals])
              .values(*rules.CHAIN_FIELDS)}
    for position, event_id, stored_row, stored_chain in seals:
        if position != checked + 1:
            return previous, checked, VerifyResult(False, checked, event_id,
                                                   _("A seal is missing before this event."))
        fields = events.get(event_id)
        if fields is None:
            return previous, checked, VerifyResult(False, checked, event_id, _("The sealed event was deleted."))
        if rules.row_hash(fields) != stored_row:
            return previous, checked, VerifyResult(False, checked, event_id,
                                                   _("The event was changed after it was sealed."))
        previous = rules.chain_hash(previous, stored_row)
        if previous != stored_chain:
            return previous, checked, VerifyResult(False, checked, event_id,
                                                   _("The chain hash does not follow from the previous seal."))
        checked += 1
    return previous, checked, None


def audit_chain_verify() -> VerifyResult:
    """Recompute every sealed event's row hash and the chain in seal order; report the first break."""
    previous, checked = rules.GENESIS, 0
    chunk: list[tuple] = []
    seals = AuditSeal.objects.order_by("position").values_list("position", "event_id", "row_hash", "chain_hash")
    for seal in seals.iterator(chunk_size=_VERIFY_CHUNK):
        chunk.append(seal)
        if len(chunk) == _VERIFY_CHUNK:
            previous, checked, broken = _verify_chunk(chunk, previous, checked)
            if broken:
                return broken
            chunk = []
    if chunk:
        previous, checked, broken = _verify_chunk(chunk, previous, checked)
        if broken:
            return broken
    return VerifyResult(True, checked, None, "")
