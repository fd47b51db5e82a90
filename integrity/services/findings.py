"""Deciding findings: a verifier who did not handle the case verifies (核实) or dismisses (排除) it with a reason.
A verified finding holds the case's payment while unpaid; on a paid case it opens the recovery (追回).
An open finding holds payment too: money does not leave while a suspicion waits for its verifier.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from integrity.models import Finding, Recovery
from integrity.selectors import finding_visible
from integrity.services.recoveries import recovery_open
from integrity.services.screening import case_handlers, verifiers_for

REASON_MAX = 2000
HOLDING_STATUSES = (Finding.Status.OPEN, Finding.Status.VERIFIED)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("State the reason: it is kept with the finding."), code="reason_required")
    if len(reason) > REASON_MAX:
        raise ApplicationError(_("A reason has at most %(n)d characters.") % {"n": REASON_MAX}, code="reason_too_long")
    return reason


def _require_verifier(finding: Finding, actor) -> None:
    if not finding_visible(user=actor, finding=finding):
        raise NotFoundError()
    if not actor.has_perm("integrity.verify_finding"):
        raise ForbiddenError(_("You may not verify findings."))
    if actor.pk in case_handlers(finding.case):
        raise ForbiddenError(_("You handled this case: a finding on it is verified by someone who did not."),
                             code="maker_checker")
    if finding.verifier_id and finding.verifier_id != actor.pk:
        raise ForbiddenError(_("This finding is assigned to another verifier."), code="not_assignee")


def _decide(*, finding: Finding, actor, status: str, reason: str) -> Finding:
    now = timezone.now()
    moved = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).filter(
        Q(verifier__isnull=True) | Q(verifier=actor)).update(
        status=status, decided_by=actor, decided_at=now, reason=reason, verifier=actor)
    if moved != 1:
        raise ConflictError(_("This finding was decided or reassigned since you opened it. Reload the page."),
                            code="stale")
    finding.refresh_from_db()
    return finding


@transaction.atomic
def finding_dismiss(*, finding: Finding, actor, reason: str) -> Finding:
    """The suspicion does not hold (e.g. the department's record is wrong): the hold on payment ends."""
    _require_verifier(finding, actor)
    reason = _clean_reason(reason)
    finding = _decide(finding=finding, actor=actor, status=Finding.Status.DISMISSED, reason=reason)
    audit_log(actor=actor, event_type="integrity.finding_dismissed", obj=finding,
              details={"case": finding.case.ref, "rule": finding.rule.code, "reason": reason})
    return finding


@transaction.atomic
def finding_verify(*, finding: Finding, actor, reason: str, amount: Decimal | None = None) -> Finding:
    """The suspicion holds. Unpaid case: its payment stays held (approvers refuse it with this reason). Paid
    case: a recovery of `amount` opens (the whole payment when not given; never more than was paid)."""
    _require_verifier(finding, actor)
    reason = _clean_reason(reason)
    case = Case.objects.select_for_update().get(pk=finding.case_id)
    payment = Payment.objects.filter(case=case, status=Payment.Status.PAID).first()
    if amount is not None and payment is None:
        raise ApplicationError(_("Nothing was paid on this case: there is nothing to recover."), code="not_paid")
    finding = _decide(finding=finding, actor=actor, status=Finding.Status.VERIFIED, reason=reason)
    audit_log(actor=actor, event_type="integrity.finding_verified", obj=finding,
              details={"case": case.ref, "rule": finding.rule.code, "reason": reason, "paid": payment is not None})
    if case.status == CaseStatus.PAID and payment is not None:
        recovery_open(finding=finding, amount=payment.amount if amount is None else amount, paid=payment.amount,
                      actor=actor)
    return finding


@transaction.atomic
def finding_assign(*, finding: Finding, verifier, actor) -> Finding:
    """A manager gives an open finding to another eligible verifier (away on leave, too many findings...)."""
    if not finding_visible(user=actor, finding=finding):
        raise NotFoundError()
    if not actor.has_perm("integrity.assign_finding"):
        raise ForbiddenError(_("You may not assign findings."))
    if not verifiers_for(finding.case).filter(pk=verifier.pk).exists():
        raise ApplicationError(_("This person may not verify this finding: they lack the role, the case is outside "
                                 "their area, or they handled the case."), code="verifier_ineligible")
    moved = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(verifier=verifier)
    if moved != 1:
        raise ConflictError(_("Only an open finding can be assigned."), code="not_open")
    audit_log(actor=actor, event_type="integrity.finding_assigned", obj=finding,
              details={"from": finding.verifier_id, "to": verifier.pk})
    finding.refresh_from_db()
    return finding


def payment_hold_reasons(case_ids) -> dict[int, str]:
    """casework's payment hold: an open or verified finding on the case, or money to withhold from this case
    for the recovery of an earlier one by offset until the offset is recorded."""
    ids = list(case_ids)
    held: dict[int, str] = {}
    for case_id, ref, status in (Finding.objects.filter(case_id__in=ids, status__in=HOLDING_STATUSES)
                                 .order_by("created_at").values_list("case_id", "ref", "status")):
        message = (_("Suspicious item %(ref)s awaits verification.") if status == Finding.Status.OPEN
                   else _("Suspicious item %(ref)s was verified: the case should be refused."))
        held.setdefault(case_id, message % {"ref": ref})
    offsets = _offset_holds([i for i in ids if i not in held])
    for case_id, reason in offsets.items():
        held.setdefault(case_id, reason)
    return held


def _offset_holds(case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    recoveries = list(Recovery.objects.filter(status=Recovery.Status.OPEN, method=Recovery.Method.OFFSET)
                      .select_related("case"))
    if not recoveries:
        return {}
    held = {}
    for case in Case.objects.filter(pk__in=case_ids).only("pk", "applicant_person_id", "applicant_enterprise_id"):
        for recovery in recoveries:
            source = recovery.case
            same = (source.applicant_person_id == case.applicant_person_id
                    and source.applicant_enterprise_id == case.applicant_enterprise_id)
            if same and source.pk != case.pk and not recovery.receipts.filter(offset_case_id=case.pk).exists():
                held[case.pk] = _("Recovery %(ref)s is offset against this applicant's payments: record the amount "
                                  "withheld from this one first.") % {"ref": recovery.ref}
                break
    return held
