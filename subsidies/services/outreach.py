"""Every write of 政策宣讲 (outreach): a briefing session recorded, a policy push started and sent. Audited.

A push goes out through accounts' pluggable gateway (`send_sms`): the SMS channel as it is; the WeChat
channel is a stub that, until a WeChat service-account adapter exists, delivers through that same gateway
interface (so the recipient gets the text by SMS). A real adapter replaces `_send_wechat` alone.
"""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.masking import mask_phone
from guangyuan_jobs.registry.models import Region
from subsidies import selectors_outreach as selectors
from subsidies.models import BriefingSession, PolicyPush, PolicyPushRecipient

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 300
TEXT_MAX_LENGTH = {"place": 128, "topic": 200, "audience": 128}
RECIPIENT_INSERT_BATCH = 1000


def _require(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(_("You may not do this."))


def _region_in_scope(*, actor, code: str) -> Region:
    if not selectors.region_in_scope(actor, code):
        raise ForbiddenError(_("That region is outside your area."), code="region_out_of_scope")
    return Region.objects.get(pk=code)


def _kind_codes(kinds: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(str(k) for k in kinds))
    unknown = [c for c in codes if c not in selectors.guide_kind_codes()]
    if unknown:
        raise ApplicationError(_("Unknown kind: %(codes)s.") % {"codes": ", ".join(unknown)}, code="kind_unknown")
    return codes


@transaction.atomic
def briefing_session_record(*, held_on: datetime.date, place: str, topic: str, audience: str, attendance: int,
                            region: str, kinds: Iterable[str], actor) -> BriefingSession:
    """A 宣讲会 held in the actor's area, with what it covered and how many came."""
    _require(actor, "subsidies.add_briefingsession")
    texts = {"place": (place or "").strip(), "topic": (topic or "").strip(), "audience": (audience or "").strip()}
    for name, value in texts.items():
        if not value:
            raise ApplicationError(_("Fill in the place, the topic and the audience."), code="required")
        if len(value) > TEXT_MAX_LENGTH[name]:
            raise ApplicationError(_("A text is too long (at most %(n)d characters).") % {"n": TEXT_MAX_LENGTH[name]},
                                   code="too_long")
    if held_on > timezone.localdate():
        raise ApplicationError(_("A session is recorded once it has been held: the date is in the future."),
                               code="future_date")
    if attendance is None or int(attendance) < 0:
        raise ApplicationError(_("Attendance is a number of people, zero or more."), code="attendance")
    region_obj = _region_in_scope(actor=actor, code=region)
    session = BriefingSession.objects.create(
        held_on=held_on, region=region_obj, attendance=int(attendance), kinds=_kind_codes(kinds),
        recorded_by=actor, **texts,
    )
    # The one scope helper has the last word: a session its recorder could not see is refused.
    if not scope_queryset(BriefingSession.objects.filter(pk=session.pk), user=actor, region_field="region").exists():
        raise ForbiddenError(_("That region is outside your area."), code="region_out_of_scope")
    audit_log(actor=actor, event_type="subsidies.briefing_recorded", obj=session, details={
        "held_on": held_on.isoformat(), "region": region_obj.code, "attendance": session.attendance,
        "kinds": session.kinds, "topic": session.topic,
    })
    return session


@transaction.atomic
def policy_push_start(*, kind: str, target: str, channel: str, message: str, region: str, actor) -> PolicyPush:
    """Record a push to everyone the target rule picks in `region` (or the actor's whole area when empty) who
    has a phone number, and send it in a Celery task after commit. Returns the push with its total."""
    _require(actor, "subsidies.add_policypush")
    kind_code = _kind_codes([kind])[0]
    if target not in selectors.PUSH_TARGETS:
        raise ApplicationError(_("Choose whom to send it to."), code="target_unknown")
    if channel not in PolicyPush.Channel.values:
        raise ApplicationError(_("Choose the channel."), code="channel_unknown")
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write the message."), code="message_required")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(_("A message has at most %(n)d characters.") % {"n": MESSAGE_MAX_LENGTH},
                               code="message_too_long")
    region_obj = _region_in_scope(actor=actor, code=region) if region else None
    if region_obj is None:
        # The push belongs to the actor's area, so only staff who see that area see it in the list.
        region_obj = Region.objects.get(pk=actor.scope_region_id if actor.scope_region_id else selectors.GUANGYUAN)
    kind_obj = get_kind(kind_code)
    phone_field = selectors.push_phone_field(kind_obj)
    today = timezone.localdate()
    candidates = (selectors.push_candidates(user=actor, kind_code=kind_code, target=target, region=region,
                                            today=today)
                  .exclude(**{phone_field: ""}).values_list("pk", phone_field))
    push = PolicyPush.objects.create(
        kind=kind_code, channel=channel, message=message, target=target, region=region_obj, created_by=actor,
        criteria={"region": region, "premium_year": today.year - 1 if kind_code == "WGFH" else None,
                  "on": today.isoformat()},
    )
    addressee = "enterprise_id" if kind_obj.applicant_type == "enterprise" else "person_id"
    total = 0
    batch: list[PolicyPushRecipient] = []
    for pk, phone in candidates.iterator(chunk_size=RECIPIENT_INSERT_BATCH):
        batch.append(PolicyPushRecipient(push=push, phone_masked=mask_phone(phone), **{addressee: pk}))
        if len(batch) >= RECIPIENT_INSERT_BATCH:
            PolicyPushRecipient.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    PolicyPushRecipient.objects.bulk_create(batch)
    total += len(batch)
    if not total:
        raise ApplicationError(_("Nobody with a phone number matches: nothing was sent."), code="no_recipients")
    push.total = total
    push.save(update_fields=["total"])
    audit_log(actor=actor, event_type="subsidies.policy_push_started", obj=push, details={
        "kind": kind_code, "target": target, "channel": channel, "region": region_obj.code,
        "region_filter": region, "recipients": total, "message": message,
    })

    from subsidies.tasks import policy_push_run

    transaction.on_commit(lambda: policy_push_run.delay(push.pk), robust=True)  # else resumed (jobs.py)
    return push


def _send_wechat(phone: str, text: str) -> None:
    """Stub: no WeChat service account is connected. The message goes through the same pluggable gateway
    interface as SMS (accounts.sms.send_sms), keyed on the same phone number."""
    send_sms(phone, text)


CHANNEL_SENDERS = {PolicyPush.Channel.SMS: send_sms, PolicyPush.Channel.WECHAT: _send_wechat}


def _phone_of(recipient: PolicyPushRecipient) -> str:
    # Read now rather than stored: the record keeps only the masked number.
    if recipient.person_id:
        return recipient.person.phone
    return recipient.enterprise.contact_phone


def _send_one(push: PolicyPush) -> bool:
    """Send to the next waiting recipient; False when none is left for this worker.

    One transaction per recipient, holding its row lock while the gateway is called: a second worker given
    the same task skips the row (SKIP LOCKED), and a crash resends to at most the one recipient in flight.
    """
    with transaction.atomic():
        recipient = (PolicyPushRecipient.objects.select_for_update(skip_locked=True, of=("self",))
                     .select_related("person", "enterprise")
                     .filter(push=push, status=PolicyPushRecipient.Status.PENDING).order_by("pk").first())
        if recipient is None:
            return False
        phone = _phone_of(recipient)
        try:
            if not phone:
                raise ValueError("no phone number")
            CHANNEL_SENDERS[push.channel](phone, push.message)
        except Exception as exc:  # any gateway failure is this recipient's, not the whole push's
            recipient.status = PolicyPushRecipient.Status.FAILED
            recipient.error = f"{exc.__class__.__name__}"[:200]
            logger.warning("Policy push %s to %s failed: %s", push.pk, mask_phone(phone), exc.__class__.__name__)
        else:
            recipient.status = PolicyPushRecipient.Status.SENT
            recipient.sent_at = timezone.now()
        recipient.save(update_fields=["status", "error", "sent_at"])
    return True


def policy_push_send(*, push_id: int) -> PolicyPush:
    """Send a push to its waiting recipients (the Celery task's work). Safe to run twice or concurrently:
    each recipient is sent once, and the push is closed, with its audit event, by exactly one run."""
    push = PolicyPush.objects.filter(pk=push_id).first()
    if push is None:
        raise NotFoundError()
    if push.status in (PolicyPush.Status.COMPLETED, PolicyPush.Status.FAILED):
        return push
    PolicyPush.objects.filter(pk=push.pk, status=PolicyPush.Status.PENDING).update(
        status=PolicyPush.Status.RUNNING, started_at=timezone.now())
    while _send_one(push):
        pass
    return _push_finish(push_id=push.pk)


@transaction.atomic
def _push_finish(*, push_id: int) -> PolicyPush:
    push = PolicyPush.objects.select_for_update().get(pk=push_id)
    # A row another worker still holds is pending here: that worker finishes the push instead.
    if push.status != PolicyPush.Status.RUNNING or push.recipients.filter(
            status=PolicyPushRecipient.Status.PENDING).exists():
        return push
    counts = dict(push.recipients.values_list("status").annotate(n=Count("pk")).order_by())
    push.sent_count = counts.get(PolicyPushRecipient.Status.SENT, 0)
    push.failed_count = counts.get(PolicyPushRecipient.Status.FAILED, 0)
    push.status = PolicyPush.Status.COMPLETED
    push.finished_at = timezone.now()
    push.save(update_fields=["sent_count", "failed_count", "status", "finished_at"])
    audit_log(actor=None, event_type="subsidies.policy_push_completed", obj=push, details={
        "kind": push.kind, "channel": push.channel, "recipients": push.total, "reached": push.sent_count,
        "failed": push.failed_count, "requested_by": push.created_by.get_username(),
    })
    return push


@transaction.atomic
def policy_push_fail(*, push_id: int, error: str) -> None:
    """A push whose task gave up: visible to staff as failed, with the recipients reached so far."""
    push = PolicyPush.objects.select_for_update().filter(pk=push_id).first()
    if push is None or push.status in (PolicyPush.Status.COMPLETED, PolicyPush.Status.FAILED):
        return
    counts = dict(push.recipients.values_list("status").annotate(n=Count("pk")).order_by())
    push.sent_count = counts.get(PolicyPushRecipient.Status.SENT, 0)
    push.failed_count = counts.get(PolicyPushRecipient.Status.FAILED, 0)
    push.status = PolicyPush.Status.FAILED
    push.error = error[:2000]
    push.finished_at = timezone.now()
    push.save(update_fields=["sent_count", "failed_count", "status", "error", "finished_at"])
    audit_log(actor=None, event_type="subsidies.policy_push_failed", obj=push, outcome=AuditEvent.Outcome.FAILURE,
              details={"kind": push.kind, "recipients": push.total, "reached": push.sent_count, "error": push.error})
