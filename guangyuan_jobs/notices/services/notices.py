"""Issuing formal notices: rendered from the case, stored with it, numbered, hashed and audited.

A notice belongs to one move of the case (its timeline entry): the move that accepted the claim issues the
受理通知书, and so on (rules.NOTICES_FOR_ACTION). Issuing is idempotent per (case, move, kind), whether
it runs automatically after the move or on demand, so a retried task or a double click gives the same notice.
"""

import datetime
import hashlib
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case, CaseTransition
from guangyuan_jobs.casework.selectors import case_visible, kind_for
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError, NotFoundError
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.documents import DocumentText, document_text, render_pdf
from guangyuan_jobs.notices.models import Notice, NoticeCounter, NoticeKind
from guangyuan_jobs.policy.selectors import policy_value

logger = logging.getLogger(__name__)

RECONSIDERATION_DAYS_KEY = "notices.appeal.reconsideration_days"
LITIGATION_MONTHS_KEY = "notices.appeal.litigation_months"
# Formal notices are issued in Chinese, the language with legal force, whatever the reader's UI language.
DOCUMENT_LANGUAGE = "zh-hans"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _applicant(case: Case) -> tuple[str, str]:
    if case.applicant_person_id:
        return case.applicant_person.name, case.applicant_person.id_number_masked
    return case.applicant_enterprise.name, case.applicant_enterprise.credit_code


def document_context(*, case: Case, kind: str, transition: CaseTransition, issued_on: datetime.date) -> dict:
    """Everything a notice's template may print, from the case as it stood at the move."""
    case_kind = kind_for(case)
    name, identifier = _applicant(case)
    local = timezone.localtime
    context = {
        "unit": rules.issuing_unit(region_code=case.region_id, region_name=case.region.name),
        "applicant": name, "id_masked": identifier, "ref": case.ref,
        "kind_label": str(case_kind.label) if case_kind else case.kind,
        "public_notice": bool(case_kind and case_kind.public_notice),
        "submitted_on": chinese_date(local(case.submitted_at).date()) if case.submitted_at else "",
        "submitted_at": f"{local(case.submitted_at):%Y-%m-%d %H:%M}" if case.submitted_at else "",
        "accepted_on": chinese_date(local(case.accepted_at).date()) if case.accepted_at else "",
        "due": chinese_date(case.due_date) if case.due_date else "",
        "issued_on": chinese_date(issued_on),
        "reason": transition.comment if kind in (NoticeKind.NON_ACCEPTANCE, NoticeKind.REFUSAL,
                                                 NoticeKind.CORRECTION) else "",
        "amount": f"{case.approved_amount:,.2f}" if case.approved_amount is not None else "",
        "missing": [], "material_due": "", "time_limit_days": "",
    }
    if kind == NoticeKind.CORRECTION and transition.action == "accept_incomplete":
        # Every item asked for at the acceptance, at once, each with its own due date (a return for correction
        # deletes the earlier requests, so these are this acceptance's).
        items = case.missing_materials.order_by("due_date", "id")
        context["missing"] = [{"label": m.label, "due": chinese_date(m.due_date)} for m in items]
        context["reason"] = ""
    elif kind == NoticeKind.ACCEPTANCE:
        items = list(case.missing_materials.filter(supplied_at__isnull=True).order_by("due_date"))
        context["missing"] = [{"label": m.label, "due": chinese_date(m.due_date)} for m in items]
        context["material_due"] = chinese_date(items[0].due_date) if items else ""
        limit_key = case_kind.time_limit_parameter if case_kind else "casework.time_limit_days.default"
        on = local(case.accepted_at).date() if case.accepted_at else issued_on
        context["time_limit_days"] = policy_value(limit_key, on=on, region=case.region_id)
    if kind in rules.APPEALABLE:
        on = local(transition.created_at).date()
        context["reconsideration_days"] = policy_value(RECONSIDERATION_DAYS_KEY, on=on, region=case.region_id)
        context["litigation_months"] = policy_value(LITIGATION_MONTHS_KEY, on=on, region=case.region_id)
        context["reconsideration_body"] = rules.reconsideration_body(region_code=case.region_id,
                                                                        region_name=case.region.name)
    return context


def _next_number(kind: str, year: int) -> int:
    counter, _created = NoticeCounter.objects.get_or_create(kind=kind, year=year)
    counter = NoticeCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _latest_move(case: Case, kind: str) -> CaseTransition | None:
    return (case.transitions.filter(action__in=rules.ACTIONS_FOR_NOTICE[kind]).select_related("actor")
            .order_by("-created_at", "-id").first())


def _check_may_issue(*, actor, case: Case) -> None:
    if actor is None:
        return  # the system, after a move
    if not case_visible(user=actor, case=case):
        raise NotFoundError()
    if not actor.is_applicant and not actor.has_perm("notices.issue_notice"):
        raise ForbiddenError(_("You may not issue notices."))


def notice_issue(*, case: Case, kind: str, actor, transition: CaseTransition | None = None) -> Notice:
    """The notice of `kind` for the case's latest move that issues it (or for `transition`), issued now if it
    was not yet. Raises NoticeFontMissing when the server has no Chinese font, ApplicationError when the case
    has had no such move."""
    if kind not in NoticeKind.values:
        raise ApplicationError(_("Unknown kind of notice."), code="notice_kind_unknown")
    case = Case.objects.select_related("region", "applicant_person", "applicant_enterprise").get(pk=case.pk)
    _check_may_issue(actor=actor, case=case)
    transition = transition or _latest_move(case, kind)
    if (transition is None or transition.case_id != case.pk
            or transition.action not in rules.ACTIONS_FOR_NOTICE[kind]):
        raise ApplicationError(_("This notice does not apply to the case at its present stage."),
                               code="notice_not_applicable")
    existing = Notice.objects.filter(case=case, transition=transition, kind=kind).first()
    if existing is not None:
        return existing
    try:
        return _notice_create(case=case, kind=kind, transition=transition, actor=actor)
    except IntegrityError:
        # Issued by a concurrent run between our look and our insert: that one stands.
        return Notice.objects.get(case=case, transition=transition, kind=kind)


@transaction.atomic
def _notice_create(*, case: Case, kind: str, transition: CaseTransition, actor) -> Notice:
    now = timezone.now()
    today = timezone.localdate(now)
    with translation.override(DOCUMENT_LANGUAGE):
        text: DocumentText = document_text(kind, document_context(case=case, kind=kind, transition=transition,
                                                                 issued_on=today))
    sequence = _next_number(kind, today.year)
    number = rules.notice_number(kind=kind, year=today.year, sequence=sequence)
    pdf = render_pdf(text=text, number=rules.notice_document_number(kind=kind, year=today.year, sequence=sequence),
                     qr_text=case.ref, subject=case.ref)
    # Who the notice is issued by: the caseworker who made the move, or the one who asked for it again.
    mover = transition.actor if transition.actor_id and not transition.actor.is_applicant else None
    issuer = actor if actor is not None and not actor.is_applicant else mover
    notice = Notice(case=case, transition=transition, kind=kind, number=number, size=len(pdf),
                    sha256=hashlib.sha256(pdf).hexdigest(), issued_by=issuer, issued_at=now)
    with transaction.atomic():
        notice.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
        notice.save()
    audit_log(actor=actor, event_type="notices.notice.issue", obj=case,
              details={"number": number, "kind": kind, "sha256": notice.sha256, "move": transition.action,
                       "issued_by": issuer.pk if issuer else None, "on_demand": actor is not None})
    return notice


def notices_issue_for_move(*, moves: Iterable[CaseTransition]) -> list[Notice]:
    """After moves of cases (a Celery task): the notices each move issues. A case whose notice cannot be
    printed is logged and left for an issue on demand; the others go on."""
    issued: list[Notice] = []
    moves = [m for m in moves if m.action in rules.NOTICES_FOR_ACTION]
    cases = Case.objects.filter(pk__in={m.case_id for m in moves}).in_bulk()
    for move in moves:
        for kind in rules.NOTICES_FOR_ACTION[move.action]:
            try:
                issued.append(notice_issue(case=cases[move.case_id], kind=kind, actor=None, transition=move))
            except ApplicationError as exc:
                logger.error("Notice %s of %s not issued: %s", kind, cases[move.case_id].ref, exc.message)
    return issued


def notice_kinds_available(case: Case) -> list[str]:
    """The kinds of notice the case's moves so far call for (what "issue on demand" may offer)."""
    actions = set(case.transitions.values_list("action", flat=True))
    return [kind for kind in NoticeKind.values if actions & set(rules.ACTIONS_FOR_NOTICE[kind])]


def notice_download_audit(*, notice: Notice, actor) -> None:
    """A download of a notice by someone other than the applicant is recorded (it names the applicant)."""
    if actor is not None and not actor.is_applicant:
        audit_log(actor=actor, event_type="notices.notice.download", obj=notice.case,
                  details={"number": notice.number})
