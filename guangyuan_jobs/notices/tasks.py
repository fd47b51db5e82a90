"""Thin Celery tasks: ids in, a service call, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.services.notifications import (
    missing_material_reminders_send,
    notifications_retry_due,
    payment_failed_notify,
)


@shared_task(name="guangyuan_jobs.notices.tasks.notifications_retry")
def notifications_retry() -> int:
    return notifications_retry_due()


@shared_task(name="guangyuan_jobs.notices.tasks.missing_material_reminders")
def missing_material_reminders() -> int:
    if timezone.localtime().hour not in rules.REMINDER_SEND_HOURS:
        return 0
    return missing_material_reminders_send()


@shared_task(name="guangyuan_jobs.notices.tasks.payment_failures_notify")
def payment_failures_notify(item_ids: list[int]) -> int:
    """Tell each applicant whose transfer in a payment batch failed, once per failed batch item."""
    from subsidies.models import PaymentBatchItem

    sent = 0
    for item in PaymentBatchItem.objects.filter(pk__in=item_ids, status="failed").select_related("payment__case"):
        sent += payment_failed_notify(case=item.payment.case, reason=item.failure_reason,
                                      attempt_key=f"batch-item-{item.pk}")
    return sent
