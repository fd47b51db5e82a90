"""The one way to write an audit event. Call it inside the transaction of the action it records."""

from django.db import models
from django.utils import timezone

from guangyuan_jobs.audit.context import current_source_ip
from guangyuan_jobs.audit.models import AuditEvent


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
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "ref", None) or obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
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
