"""Telling applicants what happened to their claim: by SMS (accounts' pluggable gateway) and in the portal
inbox, once per event.

Each message is a Notification row; the database refuses a second row for the same (event, recipient,
channel), so a retried task, a redelivered message or two workers never tell anyone twice. An SMS is claimed
by a conditional update before it is sent, failed sends are tried again with a growing wait, and a send whose
outcome is unknown (the worker died mid-send) is not sent again.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition, Payment
from guangyuan_jobs.casework.selectors import kind_for
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.messages import DEFAULT_TEXTS, fill, template_check
from guangyuan_jobs.notices.models import MessageTemplate, Notification, NotificationEvent
from guangyuan_jobs.policy.selectors import policy_value, working_days_between

logger = logging.getLogger(__name__)

N = Notification
REMINDER_LEAD_KEY = "notices.missing_material_reminder_working_days"
# A send still marked "sending" after this long died with its worker: its outcome is unknown.
SENDING_STALE_AFTER = datetime.timedelta(minutes=15)
RETRY_SWEEP_LIMIT = 500
# The moves of a case the applicant is told about (casework calls us for these).
MOVE_EVENTS = frozenset({"submit", "accept", "accept_incomplete", "reject", "return", "approve", "refuse", "pay",
                         "lapse"})


@dataclass(frozen=True)
class Recipient:
    key: str
    channel: str
    user_id: int | None = None
    phone: str = ""


def _recipients(case: Case) -> list[Recipient]:
    """The applicant's accounts (inbox) and phone (SMS). A person filed for at the counter may have neither."""
    recipients: list[Recipient] = []
    if case.applicant_person_id:
        person = case.applicant_person
        account = getattr(person, "account", None)
        accounts = [account] if account is not None and account.is_active else []
        phone = person.phone or (account.phone if account else "")
    else:
        accounts = list(case.applicant_enterprise.accounts.filter(is_active=True).order_by("pk"))
        phone = case.applicant_enterprise.contact_phone
    recipients += [Recipient(key=f"user:{a.pk}", channel=N.Channel.INBOX, user_id=a.pk) for a in accounts]
    if phone:
        recipients.append(Recipient(key=f"phone:{phone}", channel=N.Channel.SMS, phone=phone))
    return recipients


def _template(event: str) -> tuple[bool, str, bool, str, str]:
    """(sms on, sms text, inbox on, inbox subject, inbox text) of `event`."""
    row = MessageTemplate.objects.filter(event=event).first()
    if row is not None:
        return row.sms_enabled, row.sms_text, row.inbox_enabled, row.inbox_subject, row.inbox_body
    text = str(DEFAULT_TEXTS[event])
    return True, text, True, str(NotificationEvent(event).label), text


def _values(case: Case, *, reason: str = "") -> dict[str, str]:
    missing = list(case.missing_materials.filter(supplied_at__isnull=True).order_by("due_date", "id")
                   .values_list("label", "due_date"))
    kind = kind_for(case)
    return {
        "ref": case.ref, "kind": str(kind.label) if kind else case.kind,
        "due": case.due_date.isoformat() if case.due_date else "",
        "amount": f"{case.approved_amount:,.2f}" if case.approved_amount is not None else "",
        "reason": reason, "materials": gettext(", ").join(label for label, _due in missing),
        "material_due": min(due for _label, due in missing).isoformat() if missing else "",
    }


def notifications_create(*, case: Case, event: str, event_key: str, reason: str = "") -> list[int]:
    """The messages of one event to the case's applicant, created once (a second call finds them). Returns the
    ids of this event's SMS still waiting to be sent."""
    sms_on, sms_text, inbox_on, subject, body = _template(event)
    with translation.override(settings.LANGUAGE_CODE):
        values = _values(case, reason=reason)
        sms_text, subject, body = fill(sms_text, values), fill(subject, values), fill(body, values)
    now = timezone.now()
    rows = []
    for recipient in _recipients(case):
        common = {"event_key": event_key, "event": event, "case": case, "channel": recipient.channel,
                  "recipient_key": recipient.key}
        if recipient.channel == N.Channel.INBOX and inbox_on:
            # Posting to the inbox is delivery itself.
            rows.append(N(**common, user_id=recipient.user_id, subject=subject[:120], body=body, status=N.Status.SENT,
                          sent_at=now))
        elif recipient.channel == N.Channel.SMS and sms_on:
            rows.append(N(**common, phone=recipient.phone, body=sms_text, status=N.Status.PENDING, next_attempt_at=now))
    if rows:
        N.objects.bulk_create(rows, ignore_conflicts=True)
    return list(N.objects.filter(event_key=event_key, channel=N.Channel.SMS, status=N.Status.PENDING)
                .values_list("pk", flat=True))


def notification_deliver(*, notification_id: int) -> str:
    """Send one SMS if it is due and nobody else is sending it. Returns its status afterwards."""
    now = timezone.now()
    claimed = (N.objects.filter(pk=notification_id, channel=N.Channel.SMS,
                                status__in=(N.Status.PENDING, N.Status.FAILED))
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
               .update(status=N.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now))
    row = N.objects.only("status", "attempts", "phone", "body").get(pk=notification_id)
    if not claimed:
        return row.status
    try:
        send_sms(row.phone, row.body)
    except Exception as exc:  # any gateway failure: record it and try again later
        give_up = row.attempts >= rules.SMS_MAX_ATTEMPTS
        status = N.Status.ABANDONED if give_up else N.Status.FAILED
        N.objects.filter(pk=row.pk, status=N.Status.SENDING).update(
            status=status, last_error=f"{exc.__class__.__name__}: {exc}"[:200],
            next_attempt_at=None if give_up else now + rules.retry_delay(row.attempts))
        logger.warning("SMS %s failed (try %d): %s", row.pk, row.attempts, exc.__class__.__name__)
        return status
    N.objects.filter(pk=row.pk, status=N.Status.SENDING).update(status=N.Status.SENT, sent_at=timezone.now(),
                                                                 last_error="")
    return N.Status.SENT


def _deliver_all(ids: Iterable[int]) -> int:
    return sum(notification_deliver(notification_id=pk) == N.Status.SENT for pk in ids)


def notifications_for_move(*, moves: Iterable[CaseTransition]) -> int:
    """After moves of cases (a Celery task): tell each case's applicant, once per move. Returns how many SMS
    went out now."""
    moves = [m for m in moves if m.action in MOVE_EVENTS]
    cases = (Case.objects.filter(pk__in={m.case_id for m in moves})
             .select_related("applicant_person__account", "applicant_enterprise").in_bulk())
    sent = 0
    for move in moves:
        reason = move.comment if move.action in ("reject", "return", "refuse") else ""
        sent += _deliver_all(notifications_create(case=cases[move.case_id], event=move.action,
                                                  event_key=f"move:{move.pk}", reason=reason))
    return sent


def notifications_retry_due() -> int:
    """The periodic sweep: sends whose retry time has come, and sends stuck mid-way (not sent again)."""
    now = timezone.now()
    stale = N.objects.filter(status=N.Status.SENDING, next_attempt_at__lt=now - SENDING_STALE_AFTER)
    for pk in stale.values_list("pk", flat=True)[:RETRY_SWEEP_LIMIT]:
        N.objects.filter(pk=pk, status=N.Status.SENDING).update(
            status=N.Status.ABANDONED, last_error=gettext("Outcome unknown: the sender stopped mid-send. Not sent "
                                                          "again, so nobody gets it twice."))
    due = (N.objects.filter(channel=N.Channel.SMS, status__in=(N.Status.PENDING, N.Status.FAILED),
                            next_attempt_at__lte=now).order_by("next_attempt_at")
           .values_list("pk", flat=True)[:RETRY_SWEEP_LIMIT])
    return _deliver_all(list(due))


def missing_material_reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily job: remind each applicant whose missing materials fall due within the lead time (policy
    working days), once per case and due date. Returns how many cases were reminded."""
    today = today or timezone.localdate()
    open_cases = (Case.objects.filter(status__in=(CaseStatus.ACCEPTED, CaseStatus.REVIEWED),
                                      missing_materials__supplied_at__isnull=True)
                  .annotate(material_due=Min("missing_materials__due_date", filter=Q(
                      missing_materials__supplied_at__isnull=True)))
                  .filter(material_due__gte=today)
                  .select_related("applicant_person__account", "applicant_enterprise").order_by("material_due", "pk"))
    left: dict[datetime.date, int] = {}
    lead: dict[str, int] = {}
    reminded = 0
    for case in open_cases:
        due = case.material_due
        if due not in left:
            left[due] = working_days_between(today, due)
        if case.region_id not in lead:
            lead[case.region_id] = int(policy_value(REMINDER_LEAD_KEY, on=today, region=case.region_id))
        if not rules.reminder_due(today=today, due_date=due, working_days_left=left[due],
                                  lead_days=lead[case.region_id]):
            continue
        key = f"reminder:{case.pk}:{due.isoformat()}"
        if N.objects.filter(event_key=key).exists():
            continue
        _deliver_all(notifications_create(case=case, event=NotificationEvent.MISSING_REMINDER, event_key=key))
        reminded += 1
    return reminded


def payment_failed_notify(*, case: Case, reason: str, attempt_key: str) -> int:
    """Tell the applicant a transfer failed (the bank's reason), once per failed transfer (`attempt_key`, e.g.
    the payment batch item). For the payment batches' reconciliation to call after commit."""
    if not Payment.objects.filter(case=case).exists():
        raise ApplicationError(_("This case has no payment."), code="no_payment")
    case = Case.objects.select_related("applicant_person__account", "applicant_enterprise").get(pk=case.pk)
    return _deliver_all(notifications_create(case=case, event=NotificationEvent.PAYMENT_FAILED,
                                             event_key=f"payment-failed:{attempt_key}", reason=reason))


@transaction.atomic
def message_template_save(*, template: MessageTemplate, actor) -> MessageTemplate:
    """An administrator's change to an event's words: checked, saved, audited."""
    for text in (template.sms_text, template.inbox_subject, template.inbox_body):
        template_check(text)
    template.updated_by = actor
    template.save()
    audit_log(actor=actor, event_type="notices.template.change", obj=template,
              details={"event": template.event, "sms_enabled": template.sms_enabled,
                       "inbox_enabled": template.inbox_enabled, "sms_text": template.sms_text})
    return template


def inbox_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Marks the user's own inbox messages read (all of them when `ids` is None). Not audited: the user's own
    reading state."""
    qs = N.objects.filter(user=user, channel=N.Channel.INBOX, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
