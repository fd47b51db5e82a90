"""The append-only audit trail. On PostgreSQL a trigger refuses UPDATE and DELETE on both tables.

Retention: events are kept at least settings.AUDIT_RETENTION_DAYS days (env AUDIT_RETENTION_DAYS, default 365,
never below 184: MLPS 2.0 level 3 asks for six months of logs). Nothing in the application deletes events;
archiving older partitions is an operator's job, done outside the application with the trigger's owner rights.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    # No FK constraint: deleting or renaming a user must never rewrite the trail.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+")
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    event_type = models.CharField(_("event"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.event_type}"


class AuditSeal(models.Model):
    """The hash chain, written by a periodic sealer in event-id order so writers never queue for it.

    `position` is the chain's order. It follows event ids within one sealing run, but an event whose
    transaction committed late (after a higher id was already sealed) is sealed by a later run, so the
    chain is walked by position, never by event id.
    """

    event = models.OneToOneField(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                                 related_name="seal")
    position = models.BigIntegerField(unique=True)
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]
