"""Thin Celery tasks: ids in, a service call, safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError

from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.notifications import applicants_notify
from guangyuan_jobs.core.errors import ApplicationError

logger = logging.getLogger(__name__)

BATCH_MAX_RETRIES = 3


@shared_task(name="guangyuan_jobs.casework.tasks.lapse_overdue_materials")
def lapse_overdue_materials() -> int:
    return len(services.case_lapse_overdue())


@shared_task(name="guangyuan_jobs.casework.tasks.notify_applicants", acks_late=True, autoretry_for=(DatabaseError,),
             retry_backoff=10, retry_backoff_max=600, max_retries=5)
def notify_applicants(case_ids: list[int], event: str, transition_ids: list[int] | None = None) -> int:
    """Tells the applicants and issues the move's notices. Redelivered after a worker dies and retried after a
    database error: every message and notice is made once per move, so a rerun tells nobody twice."""
    return applicants_notify(case_ids=case_ids, event=event, transition_ids=transition_ids)


@shared_task(bind=True, name="guangyuan_jobs.casework.tasks.batch_run", max_retries=BATCH_MAX_RETRIES)
def batch_run(self, job_id: str) -> None:
    """Routed to the `batch` queue. Each chunk commits on its own, so a retry or a redelivery resumes."""
    try:
        services.batch_process(job_id=job_id)
    except ApplicationError as exc:
        # A business refusal (a policy parameter missing, say) will not pass by retrying.
        services.batch_fail(job_id=job_id, error=str(exc.message))
        raise
    except Exception as exc:
        # In process (the embedded demo) there is no worker to retry later: fail now, visibly.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.exception("Batch job %s failed after %d tries", job_id, self.request.retries + 1)
            services.batch_fail(job_id=job_id, error=f"{exc.__class__.__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=2 ** self.request.retries * 10) from exc


@shared_task(name="guangyuan_jobs.casework.tasks.idempotency_keys_purge")
def idempotency_keys_purge() -> int:
    """Periodic: forget the Idempotency-Keys past their retention."""
    from guangyuan_jobs.casework.services.idempotency import idempotency_keys_purge as purge

    return purge()
