"""Reads of payment batches, scoped to the finance user's area: lists, one batch, its items, what waits to be
paid, and the reconciliation report (RELIABILITY.md: paid total equals approved total, every payment links to
its approval event)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus, Payment
from guangyuan_jobs.casework.selectors import kind_label
from guangyuan_jobs.core.errors import NotFoundError
from subsidies.models import PaymentBatch, PaymentBatchItem, SubsidyInstalment
from subsidies.services import payments as payment_services
from subsidies.services.payments import (
    ITEM,
    UNPAID_MONTHS,
    batch_totals,
    kinds_of_fund,
    may_manage,
    payment_batch_scope,
)

B = PaymentBatch.Status


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def payment_batch_list_for(*, user, filters: Mapping | None = None) -> QuerySet[PaymentBatch]:
    """Filters: status, fund_source, q (reference), date_from/date_to (created)."""
    filters = filters or {}
    batches = payment_batch_scope(PaymentBatch.objects.select_related("region", "created_by"), user=user)
    if filters.get("status"):
        batches = batches.filter(status=filters["status"])
    if filters.get("fund_source"):
        batches = batches.filter(fund_source=filters["fund_source"])
    if filters.get("q"):
        batches = batches.filter(ref__icontains=str(filters["q"]).strip())
    if filters.get("date_from"):
        batches = batches.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        batches = batches.filter(created_at__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    return batches.order_by("-created_at")


def payment_batch_get_for(*, user, ref: str) -> PaymentBatch:
    batch = (payment_batch_scope(PaymentBatch.objects.select_related(
        "region", "created_by", "locked_by", "approved_by", "exported_by", "reconciled_by", "cancelled_by"),
        user=user).filter(ref=ref).first())
    if batch is None:
        raise NotFoundError()
    return batch


def payment_batch_items_for(*, batch: PaymentBatch, status: str | None = None, q: str = "") -> QuerySet:
    items = batch.items.select_related("payment__case", "instalment").order_by("id")
    if status:
        items = items.filter(status=status)
    if q:
        items = items.filter(reference__icontains=q.strip())
    return items


@dataclass(frozen=True)
class WaitingKind:
    kind: str
    label: str
    count: int
    amount: Decimal


def payments_waiting_for(*, user, fund_source: str) -> list[WaitingKind]:
    """Pending payment orders of this fund's kinds in the user's area, per kind, not yet in a live batch
    (before the notice and account checks the batch applies)."""
    if not may_manage(user):
        return []
    live = PaymentBatchItem.objects.filter(payment=OuterRef("pk")).exclude(status__in=(ITEM.FAILED, ITEM.REMOVED))
    kinds = kinds_of_fund(fund_source)
    payments = (scope_queryset(Payment.objects.filter(status=Payment.Status.PENDING, case__kind__in=kinds),
                               user=user, region_field="case__region").exclude(Exists(live))
                .exclude(Exists(SubsidyInstalment.objects.filter(case=OuterRef("case")))))
    waiting: dict[str, list] = {}
    for row in payments.values("case__kind").annotate(n=Count("id"), amount=Sum("amount")):
        waiting[row["case__kind"]] = [row["n"], row["amount"] or Decimal("0.00")]
    # Monthly subsidies: the months due, not paid, stopped or in a live batch (one transfer each).
    live_month = (PaymentBatchItem.objects.filter(instalment=OuterRef("pk"))
                  .exclude(status__in=(ITEM.FAILED, ITEM.REMOVED)))
    months = (scope_queryset(SubsidyInstalment.objects.filter(
        case__kind__in=kinds, status__in=UNPAID_MONTHS, month__lte=payment_services.today().replace(day=1),
        case__payment__status=Payment.Status.PENDING), user=user, region_field="case__region")
        .exclude(Exists(live_month)))
    for row in months.values("case__kind").annotate(n=Count("id"), amount=Sum("amount")):
        count, amount = waiting.get(row["case__kind"], [0, Decimal("0.00")])
        waiting[row["case__kind"]] = [count + row["n"], amount + (row["amount"] or Decimal("0.00"))]
    return [WaitingKind(kind=kind, label=kind_label(kind), count=count, amount=amount)
            for kind, (count, amount) in sorted(waiting.items())]


@dataclass(frozen=True)
class BatchReconciliation:
    """A batch's money, checked every way: the batch total against its items, their payment orders and their
    cases' approved amounts; after the bank's return, paid plus failed against the total; and every payment
    against its approval audit event."""

    total: Decimal
    items_total: Decimal
    payments_total: Decimal
    approved_total: Decimal
    item_count: int
    paid_count: int
    paid_total: Decimal
    failed_count: int
    failed_total: Decimal
    open_count: int
    unlinked: tuple[str, ...]  # references whose payment does not point at its case's approval event
    anomalies: tuple[tuple[str, str], ...]  # (reference, why the case could not be marked paid)
    returned: bool  # the bank's return file has been read

    @property
    def amounts_agree(self) -> bool:
        return self.total == self.items_total == self.payments_total == self.approved_total

    @property
    def return_agrees(self) -> bool:
        return self.paid_total + self.failed_total == self.total and self.open_count == 0

    @property
    def balanced(self) -> bool:
        return (self.amounts_agree and not self.unlinked and not self.anomalies
                and (self.return_agrees if self.returned else True))


def payment_batch_reconciliation(batch: PaymentBatch) -> BatchReconciliation:
    zero = Decimal("0.00")
    totals = batch_totals(batch)
    by_status = {row["status"]: row for row in batch.items.values("status").annotate(n=Count("id"), s=Sum("amount"))}

    def count(status):
        return by_status.get(status, {}).get("n", 0)

    def amount(status):
        return by_status.get(status, {}).get("s") or zero

    approval = AuditEvent.objects.filter(pk=OuterRef("payment__approval_event_id"), event_type="case.approve",
                                         object_id=OuterRef("payment__case__ref"))
    unlinked = (batch.items.exclude(status=ITEM.REMOVED).exclude(Exists(approval))
                .order_by("id").values_list("reference", flat=True))
    anomalies = batch.items.exclude(settle_error="").order_by("id").values_list("reference", "settle_error")
    return BatchReconciliation(
        total=batch.total_amount, items_total=totals.items, payments_total=totals.payments,
        approved_total=totals.approved, item_count=totals.count, paid_count=count(ITEM.PAID),
        paid_total=amount(ITEM.PAID), failed_count=count(ITEM.FAILED), failed_total=amount(ITEM.FAILED),
        open_count=count(ITEM.INCLUDED), unlinked=tuple(unlinked), anomalies=tuple(anomalies),
        returned=batch.status in (B.RECONCILING, B.RECONCILED),
    )


@dataclass(frozen=True)
class SettleProgress:
    percent: int
    running: bool


def payment_batch_progress(batch: PaymentBatch) -> SettleProgress:
    """While reconciling: the share of the bank's paid transfers whose case is marked paid."""
    paid = batch.items.filter(status=ITEM.PAID)
    total = paid.count()
    done = paid.filter(settled_at__isnull=False).count()
    running = batch.status == B.RECONCILING
    percent = 100 if not running else (int(done * 100 / total) if total else 0)
    return SettleProgress(percent=min(percent, 100), running=running)


# ---------------------------------------------------------------- money paid, for the statistics

@dataclass(frozen=True)
class MoneyPaid:
    """The money paid in a range of time, as rows of a queryset of cases or of payment orders.

    A case paid month by month (失业补助金) counts each month the bank paid, in the month it was paid, and never
    its payment order: the order is marked paid only when the last month is paid, for the sum of the months paid
    (cut when the payments stopped early), so counting it too would count the same money twice, and late. Any
    other case counts its payment order, when it was paid. A case with a schedule counts by its months alone.

    Filter with `q` in one filter() call and read `paid_at` and `amount` after it: they read the month the
    filter joined, so a row is either one month paid or one whole payment. A case paid several months in the
    range is several rows: count cases, people or firms with distinct=True and sum `amount`."""

    q: Q
    paid_at: Coalesce
    amount: Coalesce


def money_paid(*, first: datetime.date | None, last: datetime.date | None, of_orders: bool = False) -> MoneyPaid:
    """The money paid from the local day `first` through `last` (either may be None: no bound), read from a
    queryset of cases, or of payment orders (`of_orders`). A case without a schedule is paid when the case is
    marked paid (read from cases) or its payment order is (read from orders)."""
    months = "case__instalments" if of_orders else "instalments"
    paid = Q(status=Payment.Status.PAID) if of_orders else Q(status=CaseStatus.PAID)
    paid_at, amount = ("paid_at", "amount") if of_orders else ("paid_at", "payment__amount")
    whole, monthly = Q(**{f"{months}__isnull": True}) & paid, Q(**{f"{months}__status": SubsidyInstalment.Status.PAID})
    if first is not None:
        whole &= Q(**{f"{paid_at}__gte": _day_start(first)})
        monthly &= Q(**{f"{months}__paid_at__gte": _day_start(first)})
    if last is not None:
        end = _day_start(last + datetime.timedelta(days=1))
        whole &= Q(**{f"{paid_at}__lt": end})
        monthly &= Q(**{f"{months}__paid_at__lt": end})
    return MoneyPaid(q=whole | monthly, paid_at=Coalesce(f"{months}__paid_at", paid_at),
                     amount=Coalesce(f"{months}__amount", amount))
