"""Recoveries (追回) of money paid wrongly: opened when a finding on a paid case is verified, repaid in
instalments or withheld from the applicant's later payments, each receipt recorded once, closed when nothing
is left. The balance is a column guarded by the database (never below nil, never more recovered than owed).
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.policy.selectors import policy_value
from integrity.models import Finding, Recovery, RecoveryReceipt
from integrity.selectors import recovery_visible

RECOVERY_PREFIX = "ZH"
MAX_INSTALMENTS_KEY = "integrity.recovery.max_instalments"
FIRST_DUE_DAYS_KEY = "integrity.recovery.first_due_days"
REFERENCE_ATTEMPTS = 5


def recovery_open(*, finding: Finding, amount: Decimal, paid: Decimal, actor) -> Recovery:
    """The recovery of a verified finding on a paid case (inside the verification's transaction)."""
    amount = Decimal(amount)
    if amount <= 0 or amount > paid:
        raise ApplicationError(_("The amount to recover is more than nothing and at most the %(paid)s yuan paid.")
                               % {"paid": paid}, code="amount_invalid")
    case = finding.case
    today = timezone.localdate()
    first_due = today + datetime.timedelta(days=int(policy_value(FIRST_DUE_DAYS_KEY, on=today, region=case.region_id)))
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=RECOVERY_PREFIX, year=today.year)
        if Recovery.objects.filter(ref=ref).exists():
            continue
        recovery = Recovery.objects.create(ref=ref, finding=finding, case=case, amount=amount, first_due=first_due,
                                           opened_by=actor)
        audit_log(actor=actor, event_type="integrity.recovery_opened", obj=recovery,
                  details={"case": case.ref, "finding": finding.ref, "amount": str(amount),
                           "first_due": first_due.isoformat()})
        return recovery
    raise ApplicationError(_("No free reference could be drawn; try again."), code="reference_exhausted")


def _require_recorder(recovery: Recovery, actor) -> None:
    if not recovery_visible(user=actor, recovery=recovery):
        raise NotFoundError()
    if not actor.has_perm("integrity.record_recovery"):
        raise ForbiddenError(_("You may not record recoveries."))


@transaction.atomic
def recovery_plan_set(*, recovery: Recovery, method: str, instalments: int, first_due: datetime.date, version: int,
                      actor) -> Recovery:
    """How the money comes back: in instalments (at most the policy's number), or withheld from later payments."""
    _require_recorder(recovery, actor)
    if method not in Recovery.Method.values:
        raise ApplicationError(_("Choose how the money is recovered."), code="method_invalid")
    maximum = int(policy_value(MAX_INSTALMENTS_KEY, on=timezone.localdate(), region=recovery.case.region_id))
    instalments = 1 if method == Recovery.Method.OFFSET else int(instalments or 0)
    if not 1 <= instalments <= maximum:
        raise ApplicationError(_("From 1 to %(n)d instalments.") % {"n": maximum}, code="instalments_invalid")
    if first_due < timezone.localdate(recovery.opened_at):
        raise ApplicationError(_("The first instalment cannot fall before the recovery was opened."),
                               code="first_due_invalid")
    moved = Recovery.objects.filter(pk=recovery.pk, version=version, status=Recovery.Status.OPEN).update(
        method=method, instalments=instalments, first_due=first_due, version=F("version") + 1)
    if moved != 1:
        raise ConflictError(_("This recovery changed since you opened it. Reload the page."), code="stale")
    audit_log(actor=actor, event_type="integrity.recovery_plan_set", obj=recovery,
              details={"method": method, "instalments": instalments, "first_due": first_due.isoformat()})
    recovery.refresh_from_db()
    return recovery


@transaction.atomic
def recovery_receipt_add(*, recovery: Recovery, kind: str, amount: Decimal, received_on: datetime.date,
                         reference: str = "", offset_case_ref: str = "", actor) -> RecoveryReceipt:
    """Record money back: a repayment with its receipt number, or an amount withheld from a later payment of
    the same applicant (that case's reference). The same receipt twice is refused; the last one closes it."""
    _require_recorder(recovery, actor)
    amount = Decimal(amount)
    if amount <= 0:
        raise ApplicationError(_("The amount is more than nothing."), code="amount_invalid")
    if received_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), code="date_invalid")
    offset_case = None
    if kind == RecoveryReceipt.Kind.OFFSET:
        offset_case = _offset_case(recovery, offset_case_ref)
        reference = offset_case.ref
    elif kind == RecoveryReceipt.Kind.REPAYMENT:
        reference = (reference or "").strip()
        if not reference or len(reference) > 64:
            raise ApplicationError(_("Enter the receipt number (at most 64 characters)."), code="reference_required")
    else:
        raise ApplicationError(_("Choose a repayment or an amount withheld."), code="kind_invalid")
    moved = Recovery.objects.filter(pk=recovery.pk, status=Recovery.Status.OPEN,
                                    recovered__lte=F("amount") - amount).update(
        recovered=F("recovered") + amount, version=F("version") + 1)
    if moved != 1:
        recovery.refresh_from_db()
        if recovery.status != Recovery.Status.OPEN:
            raise ConflictError(_("This recovery is closed."), code="closed")
        raise ApplicationError(_("More than the balance of %(balance)s yuan.") % {"balance": recovery.balance},
                               code="over_balance")
    try:
        with transaction.atomic():
            receipt = RecoveryReceipt.objects.create(recovery=recovery, kind=kind, amount=amount,
                                                     received_on=received_on, reference=reference,
                                                     offset_case=offset_case, recorded_by=actor)
    except IntegrityError:
        raise ConflictError(_("This receipt is already recorded."), code="duplicate_receipt") from None
    recovery.refresh_from_db()
    closed = False
    if recovery.recovered == recovery.amount:
        closed = bool(Recovery.objects.filter(pk=recovery.pk, status=Recovery.Status.OPEN).update(
            status=Recovery.Status.CLOSED, closed_at=timezone.now()))
    audit_log(actor=actor, event_type="integrity.recovery_receipt_recorded", obj=recovery,
              details={"kind": kind, "amount": str(amount), "received_on": received_on.isoformat(),
                       "reference": reference, "balance": str(recovery.balance), "closed": closed})
    recovery.refresh_from_db()
    return receipt


def _offset_case(recovery: Recovery, ref: str) -> Case:
    source = recovery.case
    case = Case.objects.filter(ref=(ref or "").strip()).first()
    if case is None or case.pk == source.pk or case.applicant_person_id != source.applicant_person_id \
            or case.applicant_enterprise_id != source.applicant_enterprise_id:
        raise ApplicationError(_("Name a later case of the same applicant."), code="offset_case_invalid")
    if case.status not in (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID):
        raise ApplicationError(_("Only an approved case has a payment to withhold from."), code="offset_case_invalid")
    return case
