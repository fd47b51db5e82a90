"""公示: approved cases published for a window of working days on a public page, and the objections the public
lodges against them, which hold the case's payment until a reviewer resolves them.

What the public sees of a case is fixed when it is published (NoticeEntry): the person's name masked
(张*丰) and their masked ID number, or the firm's name and public credit code; the item and the amount. Never a
phone, address, bank account, birthday, hardship or disability (DOMAIN.md §1, "公示 must mask ID numbers").
"""

import datetime
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.casework.selectors import case_actions_for, case_list_for, case_visible
from guangyuan_jobs.casework.services.cases import case_transition
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.masking import mask_name
from guangyuan_jobs.policy.selectors import policy_value, working_days_add
from subsidies import selectors_notices as selectors
from subsidies.models import NoticeEntry, Objection, PublicNotice

NOTICE_DAYS_KEY = "casework.public_notice_working_days"
NOTICE_REF_PREFIX = "GS"  # 公示
# Cases per notice: published in one request, one guarded transition each (a few milliseconds apiece).
NOTICE_MAX_CASES = 500
TITLE_MAX_LENGTH = 200
OBJECTION_TEXT_MIN, OBJECTION_TEXT_MAX = 5, 2000
RESOLUTION_MIN, RESOLUTION_MAX = 2, 2000


class TooManyObjections(ApplicationError):
    http_status = 429
    default_code = "rate_limited"


def _require_staff(actor, permission: str, message: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(message)


def _entry_for(case: Case, *, item: str) -> NoticeEntry:
    if case.applicant_person_id:
        person = case.applicant_person
        name, identifier = mask_name(person.name), person.id_number_masked
    else:
        enterprise = case.applicant_enterprise
        # A firm's name and credit code are public registers; only people are masked.
        name, identifier = enterprise.name, enterprise.credit_code
    return NoticeEntry(case=case, display_name=name[:128], identifier_masked=identifier, item=item[:64],
                       amount=case.approved_amount)


def notice_publish(*, kind: str, actor, case_refs: list[str] | None = None, filters: dict | None = None,
                   title: str = "") -> PublicNotice:
    """Publish the approved cases of one kind the actor picked (by reference, or by inbox filters) for the
    public-notice window. Each case moves to "publicized" through casework's guarded transition; a case that
    moved on meanwhile, or that the actor may not publish, is left out and named in the audit event. Raises
    ApplicationError when none can be published, changing nothing."""
    _require_staff(actor, "casework.publicize_case", _("You may not publish public notices."))
    try:
        case_kind = get_kind(kind)
    except LookupError:
        raise ApplicationError(_("Unknown kind of claim."), code="unknown_kind") from None
    if not case_kind.public_notice:
        raise ApplicationError(_("This kind of claim is paid without public notice."), code="no_public_notice")
    title = (title or "").strip()
    if len(title) > TITLE_MAX_LENGTH:
        raise ApplicationError(_("The title has at most %(n)d characters.") % {"n": TITLE_MAX_LENGTH},
                               code="title_too_long")
    chosen = case_list_for(user=actor, filters={**(filters or {}), "kind": kind, "status": CaseStatus.APPROVED})
    if case_refs is not None:
        chosen = chosen.filter(ref__in=list(case_refs))
    chosen = list(chosen.select_related("applicant_person", "applicant_enterprise")
                  .order_by("id")[:NOTICE_MAX_CASES + 1])
    if len(chosen) > NOTICE_MAX_CASES:
        raise ApplicationError(_("A notice holds at most %(n)d cases; narrow the selection.")
                               % {"n": NOTICE_MAX_CASES}, code="too_many_cases")
    if not chosen:
        raise ApplicationError(_("No approved cases of this kind were selected."), code="nothing_selected")
    today = timezone.localdate()
    days = int(policy_value(NOTICE_DAYS_KEY, on=today, region=chosen[0].region_id))
    window = working_days_add(today, days)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        item = str(case_kind.label)
        notice = PublicNotice.objects.create(
            ref=_notice_ref(today), kind=kind, starts_on=today, ends_on=window.date, published_by=actor,
            title=title or _("Public notice: %(item)s (%(date)s)") % {"item": item, "date": today.isoformat()})
        entries, skipped = [], {}
        for case in chosen:
            try:
                moved = case_transition(case=case, action="publicize", actor=actor, version=case.version)
            except ApplicationError as exc:
                skipped[case.ref] = exc.code
                continue
            moved.applicant_person, moved.applicant_enterprise = case.applicant_person, case.applicant_enterprise
            entries.append(_entry_for(moved, item=item))
        if not entries:
            raise ApplicationError(_("None of the selected cases could be published: they moved on or are outside "
                                     "your permissions."), code="nothing_published")
        for entry in entries:
            entry.notice = notice
        NoticeEntry.objects.bulk_create(entries)
        audit_log(actor=actor, event_type="subsidies.notice_published", obj=notice, details={
            "kind": kind, "starts_on": notice.starts_on.isoformat(), "ends_on": notice.ends_on.isoformat(),
            "working_days": days, "cases": len(entries), "skipped": skipped,
            "calendar_unknown_years": list(window.unknown_years)})
    return notice


def _notice_ref(today: datetime.date) -> str:
    for _attempt in range(5):
        ref = reference_new(kind_code=NOTICE_REF_PREFIX, year=today.year)
        if not PublicNotice.objects.filter(ref=ref).exists():
            return ref
    raise ApplicationError(_("No free reference could be drawn; try again."), code="reference_exhausted")


# --- the public side ------------------------------------------------------------------------------------------


def objection_lodge(*, notice: PublicNotice, entry_id: int, name: str, contact: str, text: str,
                    source_ip: str | None) -> Objection:
    """An objection from the public (no sign-in) against one entry while the notice runs. Rate-limited per
    address; audited. It holds the case's payment until resolved."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    errors = {}
    if not 1 <= len(name) <= 64:
        errors["name"] = _("Enter your name (at most 64 characters).")
    if not 1 <= len(contact) <= 64:
        errors["contact"] = _("Enter a phone number or address where we can reach you (at most 64 characters).")
    if not OBJECTION_TEXT_MIN <= len(text) <= OBJECTION_TEXT_MAX:
        errors["text"] = _("Describe the objection in %(min)d to %(max)d characters.") % {
            "min": OBJECTION_TEXT_MIN, "max": OBJECTION_TEXT_MAX}
    if errors:
        raise ApplicationError(_("Check the form: some fields are not valid."), code="invalid", extra=errors)
    if not selectors.notice_is_open(notice):
        raise ApplicationError(_("This public notice is not running: objections are taken from %(start)s to "
                                 "%(end)s.") % {"start": notice.starts_on.isoformat(),
                                                "end": notice.ends_on.isoformat()}, code="notice_closed")
    now = timezone.now()
    if source_ip and Objection.objects.filter(lodged_ip=source_ip, lodged_at__gte=now - timedelta(hours=1)).count() \
            >= settings.OBJECTION_MAX_PER_IP_PER_HOUR:
        raise TooManyObjections(_("Too many objections were sent from your network in the last hour. Try again "
                                  "later, or come to the service hall."))
    with transaction.atomic():
        entry = NoticeEntry.objects.select_related("case").filter(notice=notice, pk=entry_id).first()
        if entry is None:
            raise ApplicationError(_("Choose the entry you object to."), code="invalid",
                                   extra={"entry": _("Choose the entry you object to.")})
        objection = Objection.objects.create(case=entry.case, entry=entry, lodger_name=name, lodger_contact=contact,
                                             text=text, lodged_ip=source_ip)
        audit_log(actor=None, event_type="subsidies.objection_lodged", obj=objection, source_ip=source_ip,
                  details={"notice": notice.ref, "case": entry.case.ref})
    return objection


# --- holding payment, and resolving objections ----------------------------------------------------------------


def payment_hold_reason(case: Case, *, today: datetime.date | None = None) -> str | None:
    """Why `case` must not be paid now, or None. Casework's "pay" (and the payment batch) should refuse
    while this gives a reason: the public notice is still running, an objection is open, or one was upheld
    (the case is then to be refused, never paid)."""
    return payment_hold_reasons([case.pk], today=today).get(case.pk)


def payment_hold_reasons(case_ids: Iterable[int], *, today: datetime.date | None = None) -> dict[int, str]:
    """`payment_hold_reason` for many cases in two queries: {case id: reason} for the held ones only."""
    ids = list(case_ids)
    today = today or timezone.localdate()
    reasons: dict[int, str] = {}
    for case_id, ends_on in NoticeEntry.objects.filter(case_id__in=ids, notice__ends_on__gte=today).values_list(
            "case_id", "notice__ends_on"):
        reasons[case_id] = _("The public notice runs until %(date)s: payment waits until it has ended.") % {
            "date": ends_on.isoformat()}
    # An objection outweighs the running notice, and an upheld one outweighs an open one.
    statuses: dict[int, set] = {}
    for case_id, status in Objection.objects.filter(
            case_id__in=ids, status__in=(Objection.Status.OPEN, Objection.Status.UPHELD)).values_list("case_id",
                                                                                                   "status"):
        statuses.setdefault(case_id, set()).add(status)
    for case_id, found in statuses.items():
        if Objection.Status.UPHELD in found:
            reasons[case_id] = _("An objection to this case was upheld: it is to be refused, not paid.")
        else:
            reasons[case_id] = _("An objection lodged during the public notice is open: payment waits for a "
                                 "reviewer's decision.")
    return reasons


def objection_resolve(*, objection: Objection, upheld: bool, resolution: str, actor) -> Objection:
    """A reviewer's decision on an objection. Dismissed: the hold ends (if no other objection holds the case).
    Upheld: the case is refused with the resolution as its reason, through casework's guarded transition, when
    the actor may refuse it; otherwise it stays held, payment refused, until an approver refuses it."""
    _require_staff(actor, "subsidies.change_objection", _("You may not resolve objections."))
    resolution = (resolution or "").strip()
    if not RESOLUTION_MIN <= len(resolution) <= RESOLUTION_MAX:
        raise ApplicationError(_("State the decision and its reason (at most %(n)d characters).")
                               % {"n": RESOLUTION_MAX}, code="reason_required")
    with transaction.atomic():
        current = Objection.objects.select_for_update().select_related("case").filter(pk=objection.pk).first()
        if current is None or not case_visible(user=actor, case=current.case):
            raise NotFoundError()
        if current.status != Objection.Status.OPEN:
            raise ConflictError(_("This objection was already resolved."), code="already_resolved")
        current.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        current.resolution, current.resolved_by, current.resolved_at = resolution, actor, timezone.now()
        current.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        case = current.case
        refused = False
        if upheld and any(a.code == "refuse" for a in case_actions_for(user=actor, case=case)):
            case_transition(case=case, action="refuse", actor=actor, version=case.version, comment=resolution)
            refused = True
        audit_log(actor=actor, event_type="subsidies.objection_resolved", obj=current,
                  details={"case": case.ref, "outcome": current.status, "case_refused": refused})
    return current


def objection_refuse_case(*, objection: Objection, actor) -> Case:
    """An approver refuses the case an upheld objection holds (a reviewer who upheld it may not refuse an approved
    case), the objection's decision being the reason the applicant is told. Through casework's guarded
    transition: its rights, area and version checks apply."""
    with transaction.atomic():
        current = Objection.objects.select_for_update().select_related("case").filter(pk=objection.pk).first()
        if current is None or actor is None or not case_visible(user=actor, case=current.case):
            raise NotFoundError()
        if current.status != Objection.Status.UPHELD:
            raise ConflictError(_("Only an upheld objection can be the reason to refuse a case."),
                                code="objection_not_upheld")
        case = current.case
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Objection upheld during the public notice: %(resolution)s") % {"resolution": current.resolution}
        case = case_transition(case=case, action="refuse", actor=actor, version=case.version, comment=reason)
        audit_log(actor=actor, event_type="subsidies.objection_case_refused", obj=current,
                  details={"case": case.ref})
    return case
