"""Telling applicants by SMS what happened to their claim and what comes next.

Sent after commit by a Celery task, through accounts' pluggable SMS gateway (`send_sms`): tests use its
in-memory outbox, production a carrier's gateway.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.casework.models import Case

logger = logging.getLogger(__name__)

MESSAGES = {
    "submit": _("Guangyuan Employment Services: we received your claim %(ref)s. We will tell you when it is "
                "accepted."),
    "accept": _("Guangyuan Employment Services: your claim %(ref)s was accepted. A decision is due by %(due)s."),
    "accept_incomplete": _("Guangyuan Employment Services: your claim %(ref)s was accepted with materials "
                           "missing: %(materials)s. Upload them online by %(material_due)s, or the claim lapses."),
    "reject": _("Guangyuan Employment Services: your claim %(ref)s was not accepted. Reason: %(reason)s"),
    "return": _("Guangyuan Employment Services: your claim %(ref)s was returned for correction. Reason: "
                "%(reason)s. Correct it online and submit it again."),
    "approve": _("Guangyuan Employment Services: your claim %(ref)s was approved for %(amount)s yuan."),
    "refuse": _("Guangyuan Employment Services: your claim %(ref)s was refused. Reason: %(reason)s"),
    "pay": _("Guangyuan Employment Services: %(amount)s yuan for your claim %(ref)s has been paid."),
    "lapse": _("Guangyuan Employment Services: your claim %(ref)s has lapsed because the missing materials "
               "were not supplied by %(material_due)s."),
}


def applicants_notify_later(*, case_ids: Iterable[int], event: str) -> None:
    """Queue the applicants' SMS for when the current transaction commits (never for a rolled-back move)."""
    from guangyuan_jobs.casework.tasks import notify_applicants

    ids = list(case_ids)
    if ids and event in MESSAGES:
        transaction.on_commit(lambda: notify_applicants.delay(ids, event))


def _phone(case: Case) -> str:
    if case.applicant_person_id:
        person = case.applicant_person
        account = getattr(person, "account", None)  # a person filed for at the counter may have none
        return person.phone or (account.phone if account else "")
    return case.applicant_enterprise.contact_phone


def _reason(case: Case, event: str) -> str:
    if event in ("reject", "refuse"):
        return case.decision_reason
    last = case.transitions.filter(action=event).order_by("-id").values_list("comment", flat=True).first()
    return last or ""


def _text(case: Case, event: str) -> str:
    missing = list(case.missing_materials.order_by("due_date", "id").values_list("label", "due_date"))
    values = {
        "ref": case.ref,
        "due": case.due_date.isoformat() if case.due_date else "",
        "amount": f"{case.approved_amount:,.2f}" if case.approved_amount is not None else "",
        "materials": gettext(", ").join(label for label, _due in missing),
        "material_due": min(due for _label, due in missing).isoformat() if missing else "",
        "reason": _reason(case, event),
    }
    return str(MESSAGES[event]) % values


def applicants_notify(*, case_ids: Iterable[int], event: str) -> int:
    """Send `event`'s SMS to the applicant of each case that has a phone. Returns how many were sent."""
    if event not in MESSAGES:
        return 0
    sent = 0
    cases = Case.objects.filter(pk__in=list(case_ids)).select_related("applicant_person", "applicant_enterprise")
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            phone = _phone(case)
            if not phone:
                logger.info("No phone for the applicant of %s; %s not sent", case.ref, event)
                continue
            send_sms(phone, _text(case, event))
            sent += 1
    return sent
