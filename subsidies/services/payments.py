"""Payment batches (拨付批次): build, lock, approve (maker-checker), export the bank's file, reconcile.

draft -> locked -> approved (by a colleague who neither built nor locked it) -> exported (the bank's .xlsx, the
only place a full account number is written) -> reconciling (the bank's return file read: each item paid or
failed) -> reconciled (every paid case moved to PAID by casework's guarded transition). A draft or locked
batch may be cancelled. Every move of a batch is a conditional UPDATE on (status, version) with its audit
event in the same transaction, so two finance users can never approve, export or reconcile one batch twice.

A monthly subsidy (失业补助金) is paid month by month: each month that has fallen due (its first day reached)
and is neither paid, stopped nor in another live batch becomes an item of its own, referenced by the case and
the month. The bank's paid return marks that month paid; a failed one returns, like any payment, once the
account is corrected; a month stopped (re-employment, UI benefit) before the bank file is made is taken out.
The case moves to PAID, by casework's guarded transition, once no month is left to pay: its payment order is
then cut to the months actually paid when the payments stopped early.
"""

import hashlib
import logging
import os
import tempfile
from collections import defaultdict
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import CaseKind, all_kinds, get_kind, payment_holds
from guangyuan_jobs.casework.models import CaseStatus, Payment
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.casework.services import case_transition
from guangyuan_jobs.core.crypto import decrypt_value, lookup_hash
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.xlsx import (
    XlsxLimits,
    XlsxRefused,
    read_choice,
    read_decimal,
    read_text,
    xlsx_columns,
    xlsx_rows,
)
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.reports.rules import cell_text
from subsidies import rules
from subsidies.models import PaymentBatch, PaymentBatchItem, SubsidyInstalment

logger = logging.getLogger(__name__)

B = PaymentBatch.Status
ITEM = PaymentBatchItem.Status
MANAGE = "subsidies.manage_paymentbatch"
REVEAL = "registry.reveal_identity"
PAY = "casework.pay_case"
REFERENCE_PREFIX = "BFPC"  # 拨付批次
REFERENCE_ATTEMPTS = 5
REASON_MAX_LENGTH = 200
# Paid items moved to PAID per round of the settling task; each case moves in its own transaction.
SETTLE_CHUNK = 200

# The bank's return file: one row per transfer of a batch, a few columns.
RETURN_LIMITS = XlsxLimits(max_bytes=10 * 1024 * 1024, max_uncompressed_bytes=100 * 1024 * 1024,
                           max_rows=200_000, max_columns=30)

MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"

# Who may take each action from which status; the page offers exactly the actions the services allow.
ACTION_SOURCES: dict[str, tuple[str, ...]] = {
    "lock": (B.DRAFT,),
    "approve": (B.LOCKED,),
    "export": (B.APPROVED,),
    "reconcile": (B.EXPORTED,),
    "cancel": (B.DRAFT, B.LOCKED),
}
ACTION_LABELS = {
    "lock": _("Lock"),
    "approve": _("Approve"),
    "export": _("Make the bank file"),
    "reconcile": _("Read the bank's return file"),
    "cancel": _("Cancel the batch"),
}
PAYABLE_WITHOUT_NOTICE = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED)
INSTALMENT = SubsidyInstalment.Status
UNPAID_MONTHS = (INSTALMENT.SCHEDULED, INSTALMENT.PAYABLE)

STALE_MESSAGE = _("This batch changed since you opened it. Reload the page to see it as it is now.")


# ---------------------------------------------------------------- who may do what

def may_manage(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_applicant
                and user.has_perm(MANAGE))


def batch_action_refusal(action: str, *, batch: PaymentBatch, user, version: int | None = None
                         ) -> ApplicationError | None:
    """Why `user` may not take `action` on `batch` now, or None. The order gives the most useful answer: the
    role (403), then whether the batch moved since they looked (409), then maker-checker (403)."""
    if action not in ACTION_SOURCES or not may_manage(user):
        return ForbiddenError(_("You may not manage payment batches."))
    if action == "export" and not user.has_perm(REVEAL):
        return ForbiddenError(_("Making the bank file writes full account numbers: you need the permission to "
                                "see full identity numbers."), code="reveal_forbidden")
    if action == "reconcile" and not user.has_perm(PAY):
        return ForbiddenError(_("Recording the bank's payments marks the cases paid: you need the permission to "
                                "pay cases."), code="pay_forbidden")
    if version is not None and version != batch.version:
        return ConflictError(STALE_MESSAGE, code="stale", extra={"version": batch.version, "status": batch.status})
    if batch.status not in ACTION_SOURCES[action]:
        return ConflictError(
            gettext("This batch is now “%(status)s”: “%(action)s” is not possible.")
            % {"status": B(batch.status).label, "action": ACTION_LABELS[action]},
            code="invalid_status", extra={"version": batch.version, "status": batch.status})
    if action == "approve" and user.pk in (batch.created_by_id, batch.locked_by_id):
        return ForbiddenError(_("You built or locked this batch, so another colleague must approve it."),
                              code="maker_checker")
    return None


def payment_batch_actions_for(*, user, batch: PaymentBatch) -> list[str]:
    """Exactly the actions `user` may take on `batch` now (the services apply the same rules)."""
    return [action for action in ACTION_SOURCES if batch_action_refusal(action, batch=batch, user=user) is None]


def payment_batch_scope(queryset, *, user):
    """The batches `user` may see: finance staff, batches of their area (a whole-city batch: whole-city staff)."""
    if not may_manage(user):
        return queryset.none()
    return scope_queryset(queryset, user=user, region_field="region")


def _load(batch: PaymentBatch, *, actor, action: str, version: int | None) -> PaymentBatch:
    current = payment_batch_scope(PaymentBatch.objects.filter(pk=batch.pk), user=actor).first()
    if current is None:
        raise NotFoundError()
    refusal = batch_action_refusal(action, batch=current, user=actor,
                                   version=batch.version if version is None else version)
    if refusal is not None:
        raise refusal
    return current


def _move(batch: PaymentBatch, *, to: str, **fields) -> None:
    """The conditional update every move of a batch makes: still the status and version this action read."""
    moved = PaymentBatch.objects.filter(pk=batch.pk, status=batch.status, version=batch.version).update(
        status=to, version=F("version") + 1, **fields)
    if moved != 1:
        raise ConflictError(STALE_MESSAGE, code="stale")
    batch.refresh_from_db()


# ---------------------------------------------------------------- what a batch may contain

def fund_source_of(kind: CaseKind) -> str | None:
    """The fund a kind is paid from, as a batch names it. subsidies/kinds.py declares the fund by its label
    (translated text), so the label's source text is matched; a kind may also give the code itself."""
    declared = kind.fund_source
    if not declared:
        return None
    if declared in PaymentBatch.FundSource.values:
        return str(declared)
    with translation.override(None):  # untranslated: the English source text of both labels
        text = str(declared)
        for code, label in PaymentBatch.FundSource.choices:
            if str(label) == text:
                return code
    return None


def kinds_of_fund(fund_source: str) -> list[str]:
    return [kind.code for kind in all_kinds() if fund_source_of(kind) == fund_source]


@dataclass(frozen=True)
class Payee:
    name: str
    bank_name: str
    account_encrypted: str
    account_masked: str


def _payee(case) -> Payee:
    """Who receives the money: the person, or the enterprise's basic account (DOMAIN.md §2.4)."""
    if case.applicant_person_id:
        person = case.applicant_person
        return Payee(person.name, person.bank_name, person.bank_account_encrypted, person.bank_account_masked)
    firm = case.applicant_enterprise
    return Payee(firm.bank_account_name or firm.name, firm.bank_name, firm.bank_account_encrypted,
                 firm.bank_account_masked)


def _case_status_problem(case, kind: CaseKind | None) -> str | None:
    """Why this case cannot be paid now as far as its status goes, or None."""
    if kind is not None and kind.public_notice:
        if case.status != CaseStatus.PUBLICIZED:
            return gettext("Its public notice has not been published.")
    elif case.status not in PAYABLE_WITHOUT_NOTICE:
        return gettext("The case is no longer approved.")
    return None


SKIP_HELD = "held"
SKIP_NO_ACCOUNT = "no_account"
SKIP_ACCOUNT_UNCHANGED = "account_unchanged"
SKIP_NOT_PAYABLE = "not_payable"
SKIP_NOT_PENDING = "not_pending"
SKIP_ACCOUNT_CHANGED = "account_changed"


SKIP_STOPPED = "stopped"


# ---------------------------------------------------------------- monthly subsidies: the hold and the months due

_BUILDING = ContextVar("subsidies_instalment_batch", default=False)


@contextmanager
def _paying_months():
    """Inside: the batch services themselves, which pay the months one by one, so the hold below is lifted."""
    token = _BUILDING.set(True)
    try:
        yield
    finally:
        _BUILDING.reset(token)


def instalment_hold_reasons(case_ids) -> dict[int, str]:
    """Registered with casework as a payment hold: a case paid month by month is never paid whole by
    casework's "pay" (one case or a batch job) while a month is left to pay; the payment batches pay it."""
    if _BUILDING.get():
        return {}
    rows = (SubsidyInstalment.objects.filter(case_id__in=list(case_ids), status__in=UNPAID_MONTHS)
            .values("case_id").annotate(n=Count("id")).values_list("case_id", "n"))
    return {case_id: gettext("Paid month by month in payment batches: %(n)d months still to pay.") % {"n": n}
            for case_id, n in rows}


def _holds(case_ids) -> dict[int, str]:
    with _paying_months():
        return payment_holds(case_ids)


def _case_transition_pay(*, case, actor, comment: str):
    with _paying_months():
        return case_transition(case=case, action="pay", actor=actor, version=case.version, comment=comment)


def today():
    """The day whose month decides which months are due (a seam for the tests)."""
    return timezone.localdate()


def instalment_reference(case_ref: str, month) -> str:
    """The bank's reference of one month: SYBZJ-2020-7K3M9Q2X-202007."""
    return f"{case_ref}-{month:%Y%m}"


def _candidate_instalments(*, actor, kinds: list[str], region: Region | None, today):
    """The months due (their first day reached) of cases paid month by month, payable like any case (approved,
    publicized for a kind with public notice), with their payment order pending, not paid, stopped or in a
    live batch."""
    live = (PaymentBatchItem.objects.filter(instalment=OuterRef("pk"))
            .exclude(status__in=(ITEM.FAILED, ITEM.REMOVED)))
    notice = [code for code in kinds if get_kind(code).public_notice]
    plain = [code for code in kinds if code not in notice]
    payable = (Q(case__kind__in=notice, case__status=CaseStatus.PUBLICIZED)
               | Q(case__kind__in=plain, case__status__in=PAYABLE_WITHOUT_NOTICE))
    months = (SubsidyInstalment.objects.filter(payable, status__in=UNPAID_MONTHS,
                                               month__lte=rules.month_start(today),
                                               case__payment__status=Payment.Status.PENDING)
              .exclude(Exists(live)))
    if region is not None:
        months = months.filter(case__region__pk__startswith=region.pk)
    months = scope_queryset(months, user=actor, region_field="case__region")
    return (months.select_related("case", "case__payment", "case__applicant_person", "case__applicant_enterprise")
            .order_by("case__region_id", "case__kind", "case_id", "month"))


def _skip(case, code: str, reason: str) -> dict:
    return {"ref": case.ref, "code": code, "reason": str(reason)[:REASON_MAX_LENGTH]}


def _batch_region(*, actor: User, region) -> Region | None:
    """The batch's area: the one chosen, which must lie in the actor's own; by default the actor's whole area."""
    if isinstance(region, str):
        region = Region.objects.filter(pk=region.strip()).first()
        if region is None:
            raise ApplicationError(_("Unknown region."), code="region_invalid")
    if actor.scope == User.Scope.WHOLE_CITY:
        return region
    own = CITY_CODE if actor.scope == User.Scope.CITY_LEVEL else (actor.scope_region_id or "")[:6]
    if not own:
        raise ForbiddenError(_("Your account has no area to pay in."))
    if region is None:
        return Region.objects.get(pk=own) if actor.scope == User.Scope.CITY_LEVEL else actor.scope_region
    if not region.pk.startswith(own):
        raise ForbiddenError(_("This district is outside your area."))
    return region


def _candidate_payments(*, actor, kinds: list[str], region: Region | None):
    live = PaymentBatchItem.objects.filter(payment=OuterRef("pk")).exclude(status__in=(ITEM.FAILED, ITEM.REMOVED))
    notice = [code for code in kinds if get_kind(code).public_notice]
    plain = [code for code in kinds if code not in notice]
    payable = (Q(case__kind__in=notice, case__status=CaseStatus.PUBLICIZED)
               | Q(case__kind__in=plain, case__status__in=PAYABLE_WITHOUT_NOTICE))
    payments = (Payment.objects.filter(payable, status=Payment.Status.PENDING).exclude(Exists(live))
                .exclude(Exists(SubsidyInstalment.objects.filter(case=OuterRef("case")))))  # paid month by month
    if region is not None:
        payments = payments.filter(case__region__pk__startswith=region.pk)
    payments = scope_queryset(payments, user=actor, region_field="case__region")
    return (payments.select_related("case", "case__applicant_person", "case__applicant_enterprise")
            .order_by("case__region_id", "case__kind", "pk"))


def _last_failed_accounts(payment_ids: list[int], instalment_ids: list[int] = ()) -> dict:
    """payment (whole) or ("month", instalment) -> keyed hash of the account the bank last refused it on."""
    rows = (PaymentBatchItem.objects.filter(Q(payment_id__in=payment_ids, instalment__isnull=True)
                                            | Q(instalment_id__in=list(instalment_ids)), status=ITEM.FAILED)
            .order_by("settled_at", "id").values_list("payment_id", "instalment_id", "account_hash"))
    return {(("month", instalment_id) if instalment_id else payment_id): account_hash
            for payment_id, instalment_id, account_hash in rows}


def _new_reference(now) -> str:
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=REFERENCE_PREFIX, year=timezone.localdate(now).year)
        if not PaymentBatch.objects.filter(ref=ref).exists():
            return ref
    raise ApplicationError(_("No free reference could be drawn; try again."), code="reference_exhausted")


def payment_batch_create(*, fund_source: str, actor, kinds=None, region=None) -> PaymentBatch:
    """A draft batch of every payment order waiting in the actor's area (or `region`) for kinds paid from
    `fund_source`: cases approved (kinds without public notice) or publicized, not in another live batch, and
    not held by their public notice (still running, or an objection open or upheld: notices' own rule); for a
    subsidy paid monthly, each month due and not yet paid. A payee without a bank account, or whose account the
    bank refused and which is not corrected yet, is left out with the reason (shown on the batch). Raises
    ApplicationError when nothing can be paid. First, monthly subsidies with no month left to pay (stopped
    after their last paid month) are closed as paid."""
    if may_manage(actor):
        instalment_schedules_finish(actor=actor)
    return _payment_batch_create(fund_source=fund_source, actor=actor, kinds=kinds, region=region)


@transaction.atomic
def _payment_batch_create(*, fund_source: str, actor, kinds=None, region=None) -> PaymentBatch:
    if not may_manage(actor):
        raise ForbiddenError(_("You may not manage payment batches."))
    if fund_source not in PaymentBatch.FundSource.values:
        raise ApplicationError(_("Choose the fund the payments come from."), code="fund_source_invalid")
    fund_kinds = kinds_of_fund(fund_source)
    chosen = sorted({str(k) for k in kinds}) if kinds else fund_kinds
    foreign = [code for code in chosen if code not in fund_kinds]
    if foreign:
        raise ApplicationError(gettext("These kinds are not paid from this fund: %(kinds)s.")
                               % {"kinds": ", ".join(foreign)}, code="kind_invalid")
    if not chosen:
        raise ApplicationError(_("No kind of claim is paid from this fund."), code="kind_invalid")
    area = _batch_region(actor=actor, region=region)

    payments = list(_candidate_payments(actor=actor, kinds=chosen, region=area))
    months = list(_candidate_instalments(actor=actor, kinds=chosen, region=area, today=today()))
    refused_on = _last_failed_accounts([p.pk for p in payments], [m.pk for m in months])
    # The holds the apps declare to casework (subsidies' notices: a running notice, an open or upheld
    # objection), the same that refuse casework's "pay"; read for every candidate at once.
    holds = _holds({p.case_id for p in payments} | {m.case_id for m in months})
    # (payment order, month or None, reference, amount) for each transfer to make.
    transfers = [(p, None, p.case.ref, p.amount) for p in payments]
    transfers += [(m.case.payment, m, instalment_reference(m.case.ref, m.month), m.amount) for m in months]
    items, skipped = [], []
    for payment, month, reference, amount in transfers:
        case = month.case if month is not None else payment.case
        held = holds.get(case.pk)
        if held:
            skipped.append(_skip(case, SKIP_HELD, held))
            continue
        payee = _payee(case)
        if not payee.account_encrypted:
            skipped.append(_skip(case, SKIP_NO_ACCOUNT, _("The payee has no bank account on record.")))
            continue
        account_hash = lookup_hash(decrypt_value(payee.account_encrypted))
        if refused_on.get(("month", month.pk) if month is not None else payment.pk) == account_hash:
            skipped.append(_skip(case, SKIP_ACCOUNT_UNCHANGED, _(
                "The bank refused the last transfer to this account and it has not been corrected since.")))
            continue
        items.append(PaymentBatchItem(payment=payment, instalment=month, reference=reference, amount=amount,
                                      payee_name=payee.name[:128], bank_name=payee.bank_name[:64],
                                      account_masked=payee.account_masked, account_hash=account_hash))
    if not items:
        if skipped:
            raise ApplicationError(gettext("%(n)d payments are waiting, but none can be paid now (for example: "
                                           "%(reason)s).") % {"n": len(skipped), "reason": skipped[0]["reason"]},
                                   code="nothing_payable", extra={"skipped": skipped[:50]})
        raise ApplicationError(_("No payment is waiting for this fund in your area."), code="nothing_payable")

    now = timezone.now()
    total = sum((item.amount for item in items), Decimal("0.00"))
    batch = PaymentBatch.objects.create(ref=_new_reference(now), fund_source=fund_source, region=area, kinds=chosen,
                                        total_amount=total, item_count=len(items), skipped=skipped,
                                        created_by=actor)
    for item in items:
        item.batch = batch
    try:
        with transaction.atomic():
            PaymentBatchItem.objects.bulk_create(items, batch_size=2000)
    except IntegrityError as exc:
        # The partial unique constraint: a colleague's batch took some of these payments at the same moment.
        raise ConflictError(_("Another batch took some of these payments at the same moment. Try again."),
                            code="payment_taken") from exc
    audit_log(actor=actor, event_type="subsidies.payment_batch_created", obj=batch, details={
        "fund_source": fund_source, "kinds": chosen, "region": area.pk if area else None,
        "items": len(items), "total": str(total), "skipped": len(skipped)})
    return batch


def _item_problems(batch: PaymentBatch, *, check_accounts: bool = False) -> list[dict]:
    """The items that may not be paid now: payment no longer pending (refused after an objection), case no
    longer payable or held by its public notice (an objection lodged meanwhile), and (for the bank file) a payee
    whose account changed since the batch was built."""
    problems = []
    items = list(batch.items.filter(status=ITEM.INCLUDED)
                 .select_related("payment__case__applicant_person", "payment__case__applicant_enterprise",
                                 "instalment"))
    holds = _holds([item.payment.case_id for item in items])
    for item in items:
        case = item.payment.case
        if item.instalment is not None and item.instalment.status not in UNPAID_MONTHS:
            problems.append(_skip(case, SKIP_STOPPED, gettext("The month %(month)s is “%(status)s”.") % {
                "month": f"{item.instalment.month:%Y-%m}",
                "status": INSTALMENT(item.instalment.status).label}) | {"item": item.pk})
            continue
        if item.payment.status != Payment.Status.PENDING:
            problems.append(_skip(case, SKIP_NOT_PENDING, gettext("Its payment order is “%(status)s”.")
                                  % {"status": Payment.Status(item.payment.status).label}) | {"item": item.pk})
            continue
        reason = _case_status_problem(case, _kind_or_none(case.kind))
        if reason:
            problems.append(_skip(case, SKIP_NOT_PAYABLE, reason) | {"item": item.pk})
            continue
        held = holds.get(case.pk)
        if held:
            problems.append(_skip(case, SKIP_HELD, held) | {"item": item.pk})
            continue
        if check_accounts:
            encrypted = _payee(case).account_encrypted
            if not encrypted or lookup_hash(decrypt_value(encrypted)) != item.account_hash:
                problems.append(_skip(case, SKIP_ACCOUNT_CHANGED,
                                      _("The payee's bank account changed after the batch was built."))
                                | {"item": item.pk})
    return problems


def _kind_or_none(code: str) -> CaseKind | None:
    try:
        return get_kind(code)
    except LookupError:
        return None


def _refuse_problems(problems: list[dict]) -> None:
    if problems:
        refs = ", ".join(p["ref"] for p in problems[:10])
        raise ApplicationError(
            gettext("%(n)d payments in this batch may not be paid now (%(refs)s: %(reason)s). Cancel the batch and "
                    "build a new one.") % {"n": len(problems), "refs": refs, "reason": problems[0]["reason"]},
            code="items_not_payable", extra={"items": [{k: p[k] for k in ("ref", "code", "reason")}
                                                       for p in problems[:50]]})


@dataclass(frozen=True)
class BatchTotals:
    count: int
    items: Decimal
    payments: Decimal
    approved: Decimal


def batch_totals(batch: PaymentBatch, *, statuses=(ITEM.INCLUDED, ITEM.PAID, ITEM.FAILED)) -> BatchTotals:
    """The batch's items summed three ways: their own amounts, their payment orders (for a month of a monthly
    subsidy: the month's amount), their cases' approved amounts (for a month: the month's amount, counted only
    while the case's months add up to its approved amount). A sound batch has all three equal to its total."""
    zero = Decimal("0.00")
    items = batch.items.filter(status__in=statuses)
    row = items.aggregate(
        n=Count("id"), items=Sum("amount"), payments=Sum(Coalesce("instalment__amount", "payment__amount")),
        approved=Sum(Case(When(instalment__isnull=True, then="payment__case__approved_amount"),
                          default="instalment__amount")))
    approved = row["approved"] or zero
    unbalanced = schedules_unbalanced(items.filter(instalment__isnull=False).values_list("payment__case_id",
                                                                                       flat=True))
    if unbalanced:
        approved -= items.filter(payment__case_id__in=unbalanced, instalment__isnull=False).aggregate(
            s=Sum("amount"))["s"] or zero
    return BatchTotals(count=row["n"], items=row["items"] or zero, payments=row["payments"] or zero,
                       approved=approved)


def schedules_unbalanced(case_ids) -> set[int]:
    """The cases, among `case_ids`, whose months do not add up to their approved amount."""
    ids = set(case_ids)
    if not ids:
        return set()
    sums = dict(SubsidyInstalment.objects.filter(case_id__in=ids).values("case_id").annotate(s=Sum("amount"))
                .values_list("case_id", "s"))
    approved = dict(Payment.objects.filter(case_id__in=ids).values_list("case_id", "case__approved_amount"))
    return {case_id for case_id in ids if sums.get(case_id) != approved.get(case_id)}


def _check_totals(batch: PaymentBatch, totals: BatchTotals) -> None:
    if not (totals.items == totals.payments == totals.approved == batch.total_amount
            and totals.count == batch.item_count):
        raise ApplicationError(
            gettext("The batch does not add up: total %(total)s, items %(items)s, payment orders %(payments)s, "
                    "approved amounts %(approved)s. Cancel it and build a new one.")
            % {"total": batch.total_amount, "items": totals.items, "payments": totals.payments,
               "approved": totals.approved}, code="totals_mismatch")


# ---------------------------------------------------------------- lock, approve, cancel

@transaction.atomic
def payment_batch_lock(*, batch: PaymentBatch, actor, version: int | None = None) -> PaymentBatch:
    """draft -> locked: the content is frozen for approval. Payments that may no longer be paid (refused
    after an objection, moved on) are taken out first, each recorded with its reason."""
    current = _load(batch, actor=actor, action="lock", version=version)
    problems = _item_problems(current)
    for problem in problems:
        PaymentBatchItem.objects.filter(pk=problem["item"], status=ITEM.INCLUDED).update(
            status=ITEM.REMOVED, failure_reason=problem["reason"])
    totals = batch_totals(current, statuses=(ITEM.INCLUDED,))
    if totals.count == 0:
        raise ApplicationError(_("No payment in this batch may be paid any more. Cancel the batch."),
                               code="nothing_payable")
    skipped = [*current.skipped, *[{k: p[k] for k in ("ref", "code", "reason")} for p in problems]]
    _move(current, to=B.LOCKED, locked_by=actor, locked_at=timezone.now(), total_amount=totals.items,
          item_count=totals.count, skipped=skipped)
    _check_totals(current, totals)
    audit_log(actor=actor, event_type="subsidies.payment_batch_locked", obj=current, details={
        "items": current.item_count, "total": str(current.total_amount), "removed": len(problems),
        "version": current.version})
    return current


@transaction.atomic
def payment_batch_approve(*, batch: PaymentBatch, actor, version: int | None = None) -> PaymentBatch:
    """locked -> approved, by a finance colleague who neither built nor locked the batch (maker-checker).
    Refused when a payment may no longer be paid or the totals do not add up."""
    current = _load(batch, actor=actor, action="approve", version=version)
    _refuse_problems(_item_problems(current))
    _check_totals(current, batch_totals(current, statuses=(ITEM.INCLUDED,)))
    _move(current, to=B.APPROVED, approved_by=actor, approved_at=timezone.now())
    audit_log(actor=actor, event_type="subsidies.payment_batch_approved", obj=current, details={
        "items": current.item_count, "total": str(current.total_amount), "version": current.version})
    return current


@transaction.atomic
def payment_batch_cancel(*, batch: PaymentBatch, actor, reason: str, version: int | None = None) -> PaymentBatch:
    """draft or locked -> cancelled: its payments are free for another batch."""
    current = _load(batch, actor=actor, action="cancel", version=version)
    reason = (reason or "").strip()
    if len(reason) < 2 or len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(_("State why the batch is cancelled (at most 200 characters)."),
                               code="reason_required")
    removed = current.items.filter(status=ITEM.INCLUDED).update(status=ITEM.REMOVED, failure_reason=reason)
    _move(current, to=B.CANCELLED, cancelled_by=actor, cancelled_at=timezone.now(), error=reason)
    audit_log(actor=actor, event_type="subsidies.payment_batch_cancelled", obj=current,
              details={"reason": reason, "items": removed})
    return current


# ---------------------------------------------------------------- the bank's file

BANK_COLUMNS = (
    (_("No."), 6), (_("Payee"), 28), (_("Account number"), 26), (_("Bank"), 24), (_("Amount (yuan)"), 14),
    (_("Reference"), 22), (_("Purpose"), 30),
)


def _reveal_check(actor, *, batch: PaymentBatch, what: str) -> None:
    """The full account numbers need the reveal permission; a refusal is recorded (outside any transaction
    the refusal rolls back)."""
    if not actor.has_perm(REVEAL):
        audit_log(actor=actor, event_type="registry.reveal_denied", obj=batch, outcome="denied",
                  details={"field": "bank_account", "purpose": what})
        raise ForbiddenError(_("Making the bank file writes full account numbers: you need the permission to "
                               "see full identity numbers."), code="reveal_forbidden")


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def _bank_workbook(batch: PaymentBatch, path: str) -> int:
    """Write the bank's file: one row per transfer with the full account (decrypted here and nowhere else),
    every text cell formula-safe, accounts as text (Excel would round a 19-digit number)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("Transfers")[:31])
    bold = Font(bold=True)
    for number, (_header, width) in enumerate(BANK_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + number)].width = width
    header = []
    for title, _width in BANK_COLUMNS:
        cell = WriteOnlyCell(sheet, value=cell_text(str(title)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    purpose = cell_text(gettext("%(fund)s, batch %(ref)s") % {"fund": PaymentBatch.FundSource(batch.fund_source)
                                                                .label, "ref": batch.ref})
    items = (batch.items.filter(status=ITEM.INCLUDED).order_by("id")
             .select_related("payment__case__applicant_person", "payment__case__applicant_enterprise"))
    rows = 0
    for rows, item in enumerate(items.iterator(chunk_size=2000), start=1):
        account = WriteOnlyCell(sheet, value=cell_text(decrypt_value(_payee(item.payment.case).account_encrypted)))
        account.number_format = TEXT_FORMAT
        amount = WriteOnlyCell(sheet, value=item.amount)
        amount.number_format = MONEY_FORMAT
        reference = WriteOnlyCell(sheet, value=cell_text(item.reference))
        reference.number_format = TEXT_FORMAT
        sheet.append([rows, cell_text(item.payee_name), account, cell_text(item.bank_name), amount, reference,
                      purpose])
    summary = book.create_sheet(gettext("Summary")[:31])
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 40
    for label, value in (
        (gettext("Batch"), batch.ref),
        (gettext("Fund source"), str(PaymentBatch.FundSource(batch.fund_source).label)),
        (gettext("Transfers"), rows),
        (gettext("Total (yuan)"), batch.total_amount),
        (gettext("Approved by"), batch.approved_by.get_username() if batch.approved_by else ""),
        (gettext("Made at"), f"{timezone.localtime():%Y-%m-%d %H:%M:%S}"),
    ):
        summary.append([cell_text(str(label)), cell_text(value) if isinstance(value, str) else value])
    book.save(path)
    return rows


def payment_batch_export(*, batch: PaymentBatch, actor, version: int | None = None) -> PaymentBatch:
    """approved -> exported: the bank's .xlsx with the full account numbers, stored through the default
    storage. Needs the reveal permission (a refusal is audited); the reveal itself is audited."""
    if may_manage(actor):
        _reveal_check(actor, batch=batch, what="bank_file")
    return _payment_batch_export(batch=batch, actor=actor, version=version)


@transaction.atomic
def _payment_batch_export(*, batch: PaymentBatch, actor, version: int | None) -> PaymentBatch:
    current = _load(batch, actor=actor, action="export", version=version)
    _refuse_problems(_item_problems(current, check_accounts=True))
    _check_totals(current, batch_totals(current, statuses=(ITEM.INCLUDED,)))
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="bank-")
    os.close(handle)
    try:
        with translation.override(settings.LANGUAGE_CODE):  # the bank reads Chinese headers, whoever exports
            rows = _bank_workbook(current, path)
        with open(path, "rb") as data:
            checksum = _sha256(data)
            data.seek(0)
            name = default_storage.save(f"payment-batches/{current.ref}.xlsx", File(data))
    finally:
        os.unlink(path)
    try:
        _move(current, to=B.EXPORTED, exported_by=actor, exported_at=timezone.now(), bank_file=name,
              bank_file_sha256=checksum)
    except ConflictError:
        default_storage.delete(name)
        raise
    audit_log(actor=actor, event_type="registry.reveal", obj=current, details={
        "field": "bank_account", "count": rows, "reason": "bank payment file"})
    audit_log(actor=actor, event_type="subsidies.payment_batch_exported", obj=current, details={
        "rows": rows, "total": str(current.total_amount), "sha256": checksum, "version": current.version})
    return current


def payment_batch_download_open(*, batch: PaymentBatch, actor):
    """The bank file, opened for reading, for finance staff who may see full account numbers; audited."""
    current = payment_batch_scope(PaymentBatch.objects.filter(pk=batch.pk), user=actor).first()
    if current is None:
        raise NotFoundError()
    _reveal_check(actor, batch=current, what="bank_file_download")
    if not current.bank_file:
        raise ConflictError(_("The bank file has not been made yet."), code="not_ready")
    with transaction.atomic():
        handle = current.bank_file.open("rb")
        audit_log(actor=actor, event_type="subsidies.payment_batch_downloaded", obj=current,
                  details={"sha256": current.bank_file_sha256, "rows": current.item_count})
    return handle


# ---------------------------------------------------------------- the bank's return file

# The bank's return file names its columns in Chinese (or English); any of these headers is understood.
RETURN_HEADERS = {
    "reference": ("业务参考号", "参考号", "业务编号", "Reference"),
    "result": ("处理结果", "结果", "交易结果", "Result"),
}
RETURN_OPTIONAL_HEADERS = {
    "reason": ("失败原因", "原因", "备注", "Reason"),
    "amount": ("金额(元)", "金额（元）", "金额", "Amount (yuan)", "Amount"),
}
RETURN_RESULTS = {"成功": True, "已支付": True, "success": True, "paid": True,
                  "失败": False, "退回": False, "failed": False, "failure": False, "returned": False}


@dataclass(frozen=True)
class ReturnRow:
    line: int
    reference: str
    paid: bool
    reason: str
    amount: Decimal | None


def _read_return_file(upload) -> list[ReturnRow]:
    """The rows of the bank's return file, read with the safe reader (size, zip-bomb, XML-bomb and macro
    checks before parsing; formulas refused, never evaluated). Every bad row is reported; none is kept."""
    rows = xlsx_rows(upload, limits=RETURN_LIMITS)
    header = next(rows, None)
    if header is None:
        raise ApplicationError(_("The return file is empty."), code="return_invalid")
    columns = xlsx_columns(header, RETURN_HEADERS)
    for name, titles in RETURN_OPTIONAL_HEADERS.items():
        with suppress(XlsxRefused):  # optional: absent is fine
            columns |= xlsx_columns(header, {name: titles})
    result: list[ReturnRow] = []
    errors: list[str] = []
    for row in rows:
        try:
            reference = read_text(row.value(columns["reference"]), max_length=40)
            paid = read_choice(row.value(columns["result"]), RETURN_RESULTS)
            reason = ("" if "reason" not in columns
                      else read_text(row.value(columns["reason"]), max_length=REASON_MAX_LENGTH, required=False))
            amount = (read_decimal(row.value(columns["amount"]), minimum=Decimal("0"))
                      if "amount" in columns and row.value(columns["amount"]) not in (None, "") else None)
        except ValueError as exc:
            errors.append(gettext("Row %(line)d: %(error)s.") % {"line": row.number, "error": exc})
            continue
        if not paid and not reason:
            errors.append(gettext("Row %(line)d: a failed transfer needs its reason.") % {"line": row.number})
            continue
        result.append(ReturnRow(line=row.number, reference=reference, paid=paid, reason=reason, amount=amount))
    if errors:
        raise ApplicationError(_("The return file has errors; nothing was changed."), code="return_invalid",
                               extra={"errors": errors[:100]})
    return result


def _match_rows(batch: PaymentBatch, rows: list[ReturnRow]) -> tuple[dict[int, ReturnRow], list[str]]:
    """item id -> its row; every item of the batch exactly once, nothing else."""
    items = dict(batch.items.filter(status=ITEM.INCLUDED).values_list("reference", "pk"))
    amounts = dict(batch.items.filter(status=ITEM.INCLUDED).values_list("reference", "amount"))
    matched: dict[int, ReturnRow] = {}
    errors = []
    for row in rows:
        item_id = items.get(row.reference)
        if item_id is None:
            errors.append(gettext("Row %(line)d: %(ref)s is not a transfer of this batch.")
                          % {"line": row.line, "ref": row.reference[:40]})
        elif item_id in matched:
            errors.append(gettext("Row %(line)d: %(ref)s appears twice.") % {"line": row.line, "ref": row.reference})
        elif row.amount is not None and row.amount != amounts[row.reference]:
            errors.append(gettext("Row %(line)d: the amount %(amount)s differs from the batch's %(ours)s.")
                          % {"line": row.line, "amount": row.amount, "ours": amounts[row.reference]})
        else:
            matched[item_id] = row
    missing = [ref for ref, pk in items.items() if pk not in matched]
    if missing:
        errors.append(gettext("%(n)d transfers of the batch are missing from the file, e.g. %(refs)s.")
                      % {"n": len(missing), "refs": ", ".join(sorted(missing)[:5])})
    return matched, errors


@transaction.atomic
def payment_batch_reconcile(*, batch: PaymentBatch, return_file, actor, version: int | None = None
                            ) -> PaymentBatch:
    """exported -> reconciling: read the bank's return file (reference, result 成功/失败, reason). It must
    name every transfer of the batch once; otherwise nothing changes. Failed items record the bank's reason
    and leave their payment pending for a later batch; paid items are then moved to PAID, case by case, by
    casework's transition in the reconciling user's name (a Celery task), after which the batch is reconciled.
    Maker-checker: a user who approved one of the paid cases may not reconcile the batch."""
    current = _load(batch, actor=actor, action="reconcile", version=version)
    rows = _read_return_file(return_file)
    return_file.seek(0)
    data = return_file.read()
    matched, errors = _match_rows(current, rows)
    if errors:
        raise ApplicationError(_("The return file does not match the batch; nothing was changed."),
                               code="return_mismatch", extra={"errors": errors[:100]})
    paid_ids = [item_id for item_id, row in matched.items() if row.paid]
    approvers = (current.items.filter(pk__in=paid_ids)
                 .filter(Q(payment__case__approved_by=actor) | Q(payment__case__first_approved_by=actor))
                 .values_list("reference", flat=True))
    if approvers:
        raise ForbiddenError(gettext("You approved %(refs)s, so another colleague must record their payment.")
                             % {"refs": ", ".join(list(approvers)[:5])}, code="maker_checker")
    now = timezone.now()
    paid = PaymentBatchItem.objects.filter(pk__in=paid_ids, status=ITEM.INCLUDED).update(status=ITEM.PAID)
    by_reason: dict[str, list[int]] = defaultdict(list)
    for item_id, row in matched.items():
        if not row.paid:
            by_reason[row.reason].append(item_id)
    failed = 0
    for reason, ids in by_reason.items():
        failed += PaymentBatchItem.objects.filter(pk__in=ids, status=ITEM.INCLUDED).update(
            status=ITEM.FAILED, failure_reason=reason, settled_at=now)
    if paid + failed != len(matched):
        raise ConflictError(STALE_MESSAGE, code="stale")
    if failed:
        from guangyuan_jobs.notices.tasks import payment_failures_notify

        failed_ids = [item_id for ids in by_reason.values() for item_id in ids]
        transaction.on_commit(lambda: payment_failures_notify.delay(failed_ids), robust=True)
    sums = dict(current.items.filter(status__in=(ITEM.PAID, ITEM.FAILED)).values_list("status")
                .annotate(total=Sum("amount")).values_list("status", "total"))
    paid_amount = sums.get(ITEM.PAID) or Decimal("0.00")
    failed_amount = sums.get(ITEM.FAILED) or Decimal("0.00")
    if paid_amount + failed_amount != current.total_amount:
        raise ApplicationError(_("Paid and failed amounts do not add up to the batch total; nothing was changed."),
                               code="totals_mismatch")
    name = default_storage.save(f"payment-batches/returns/{current.ref}-{now:%Y%m%d%H%M%S}.xlsx",
                                ContentFile(data))
    _move(current, to=B.RECONCILING, reconciled_by=actor, return_file=name,
          return_file_sha256=hashlib.sha256(data).hexdigest(), paid_amount=paid_amount, failed_amount=failed_amount)
    audit_log(actor=actor, event_type="subsidies.payment_batch_return_read", obj=current, details={
        "paid": paid, "failed": failed, "paid_amount": str(paid_amount), "failed_amount": str(failed_amount),
        "sha256": current.return_file_sha256, "version": current.version})
    from subsidies.tasks import payment_batch_settle as settle_task

    batch_id = str(current.pk)
    transaction.on_commit(lambda: settle_task.delay(batch_id))
    return current


def payment_batch_settle(*, batch_id) -> PaymentBatch | None:
    """Move every paid item's case to PAID (casework's guarded transition, in the reconciling user's name),
    one case per transaction, then mark the batch reconciled. Safe to run again at any time: an item is
    settled in the same transaction that pays its case. A case that cannot be paid any more (it moved on
    while the bank paid it) is recorded on its item as an anomaly for the reconciliation report."""
    batch = PaymentBatch.objects.select_related("reconciled_by").filter(pk=batch_id).first()
    if batch is None or batch.status != B.RECONCILING:
        return batch
    while True:
        ids = list(batch.items.filter(status=ITEM.PAID, settled_at__isnull=True).order_by("id")
                   .values_list("id", flat=True)[:SETTLE_CHUNK])
        if not ids:
            break
        for item_id in ids:
            _settle_item(batch=batch, item_id=item_id)
    return _settle_finish(batch)


@transaction.atomic
def _settle_item(*, batch: PaymentBatch, item_id: int) -> None:
    item = (PaymentBatchItem.objects.select_for_update(skip_locked=True).select_related("payment__case")
            .filter(pk=item_id, status=ITEM.PAID, settled_at__isnull=True).first())
    if item is None:
        return  # settled meanwhile, or held by a second run of this task
    case = item.payment.case
    if item.instalment_id is not None:
        item.settle_error = _settle_month(batch=batch, item=item)
    else:
        try:
            with transaction.atomic():
                case_transition(case=case, action="pay", actor=batch.reconciled_by, version=case.version,
                                comment=gettext("Paid in batch %(ref)s.") % {"ref": batch.ref})
        except ApplicationError as exc:
            item.settle_error = str(exc.message)[:200]
            logger.warning("payment batch %s: case %s not marked paid: %s", batch.ref, case.ref, exc.code)
    item.settled_at = timezone.now()
    item.save(update_fields=["settled_at", "settle_error"])


def _settle_month(*, batch: PaymentBatch, item: PaymentBatchItem) -> str:
    """The bank paid one month: the month is paid (even one stopped meanwhile: the money left, so the stop's
    recovery has it to count), and the case is closed as paid when no month is left. Returns the anomaly."""
    # The case's payment order first: two months of one case settled at once are judged one after the other,
    # so the second sees the first paid and closes the case.
    list(Payment.objects.select_for_update().filter(pk=item.payment_id).values_list("pk"))
    month = SubsidyInstalment.objects.select_for_update().get(pk=item.instalment_id)
    anomaly = ""
    if month.status == INSTALMENT.PAID:
        return gettext("The month %(month)s was already paid.") % {"month": f"{month.month:%Y-%m}"}
    if month.status == INSTALMENT.STOPPED:
        anomaly = gettext("The month %(month)s was paid after the payments stopped: to be recovered.") % {
            "month": f"{month.month:%Y-%m}"}
    SubsidyInstalment.objects.filter(pk=month.pk).update(status=INSTALMENT.PAID, paid_at=timezone.now())
    try:
        _schedule_finish(case=item.payment.case, actor=batch.reconciled_by,
                         comment=gettext("Last month paid in batch %(ref)s.") % {"ref": batch.ref})
    except ApplicationError as exc:
        logger.warning("payment batch %s: case %s not closed as paid: %s", batch.ref, item.payment.case.ref,
                       exc.code)
        anomaly = anomaly or str(exc.message)[:200]
    return anomaly[:200]


def _schedule_finish(*, case, actor, comment: str) -> bool:
    """A case paid month by month with no month left to pay moves to PAID (casework's guarded transition, with
    its maker-checker); its payment order is first cut to the months paid when the payments stopped early, so
    the reports count what was paid. False when months are left or nothing was paid."""
    months = SubsidyInstalment.objects.filter(case_id=case.pk)
    if months.filter(status__in=UNPAID_MONTHS).exists():
        return False
    paid = months.filter(status=INSTALMENT.PAID).aggregate(s=Sum("amount"))["s"]
    if paid is None:
        return False
    # A month still in a live batch (stopped meanwhile, the bank file already sent) waits for its return.
    if PaymentBatchItem.objects.filter(instalment__case_id=case.pk, status=ITEM.INCLUDED).exists():
        return False
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(case_id=case.pk)
        if payment.status != Payment.Status.PENDING:
            return False
        if payment.amount != paid:
            Payment.objects.filter(pk=payment.pk).update(amount=paid)
            audit_log(actor=actor, event_type="subsidies.payment_order_cut", obj=case, details={
                "approved": f"{payment.amount:.2f}", "paid": f"{paid:.2f}", "reason": "monthly payments stopped"})
        case.refresh_from_db()
        _case_transition_pay(case=case, actor=actor, comment=comment)
    return True


def instalment_schedules_finish(*, actor) -> list[str]:
    """Close as paid the monthly subsidies in the actor's area with no month left to pay and every paid month
    settled (their payments stopped after the last month paid). Each in its own transaction; a case the actor
    may not pay (they approved it) is left for a colleague. Returns the references closed."""
    waiting = (Payment.objects.filter(status=Payment.Status.PENDING,
                                      case__status__in=(CaseStatus.APPROVED, CaseStatus.PUBLICIZED))
               .filter(Exists(SubsidyInstalment.objects.filter(case=OuterRef("case"), status=INSTALMENT.PAID)))
               .exclude(Exists(SubsidyInstalment.objects.filter(case=OuterRef("case"), status__in=UNPAID_MONTHS))))
    closed = []
    for payment in scope_queryset(waiting, user=actor, region_field="case__region").select_related("case"):
        try:
            if _schedule_finish(case=payment.case, actor=actor,
                                comment=gettext("Monthly payments stopped; every month due was paid.")):
                closed.append(payment.case.ref)
        except ApplicationError as exc:
            logger.info("monthly subsidy %s not closed by %s: %s", payment.case.ref, actor.pk, exc.code)
    return closed


@transaction.atomic
def _settle_finish(batch: PaymentBatch) -> PaymentBatch:
    if batch.items.filter(status=ITEM.PAID, settled_at__isnull=True).exists():
        return PaymentBatch.objects.get(pk=batch.pk)
    anomalies = list(batch.items.exclude(settle_error="").values_list("reference", flat=True))
    note = (gettext("%(n)d transfers paid by the bank could not mark their case paid: %(refs)s.")
            % {"n": len(anomalies), "refs": ", ".join(anomalies[:20])}) if anomalies else ""
    fresh = PaymentBatch.objects.get(pk=batch.pk)
    if fresh.status != B.RECONCILING:
        return fresh
    _move(fresh, to=B.RECONCILED, reconciled_at=timezone.now(), error=note)
    audit_log(actor=fresh.reconciled_by, event_type="subsidies.payment_batch_reconciled", obj=fresh, details={
        "paid_amount": str(fresh.paid_amount), "failed_amount": str(fresh.failed_amount),
        "anomalies": len(anomalies), "version": fresh.version})
    return fresh


@transaction.atomic
def payment_batch_settle_failed(*, batch_id, error: str) -> None:
    """The settling task gave up: the batch shows the error and stays reconciling, so a rerun resumes."""
    PaymentBatch.objects.filter(pk=batch_id, status=B.RECONCILING).update(error=error[:2000])


def payment_batches_settle_pending() -> int:
    """Resume every batch still reconciling (a task lost between commit and publish, a worker that died)."""
    pending = list(PaymentBatch.objects.filter(status=B.RECONCILING).values_list("pk", flat=True))
    for batch_id in pending:
        payment_batch_settle(batch_id=batch_id)
    return len(pending)
