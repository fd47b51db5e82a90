from collections.abc import Iterable

from celery import shared_task, signature
from celery.canvas import Signature
from django.db import transaction
from kombu.exceptions import OperationalError


@shared_task(name="guangyuan_jobs.core.tasks.stalled_jobs_resume", ignore_result=True)
def stalled_jobs_resume() -> dict[str, int]:
    from guangyuan_jobs.core.resumable import stalled_jobs_resume as resume

    return resume()


def publish_on_commit(tasks: Iterable[Signature | None]) -> None:
    """Queue these tasks once the current transaction commits (never for a rolled-back one), as one broker
    message: a request that moves a case pays for one publish, not one per app that follows the move up. A
    failure to publish is logged, never undoes or fails the committed work (robust). Every task given must be
    safe to run twice (see tasks_publish)."""
    signatures = [task for task in tasks if task is not None]
    if not signatures:
        return
    if len(signatures) == 1:
        transaction.on_commit(signatures[0].apply_async, robust=True)
    else:
        message = tasks_publish.si([dict(task) for task in signatures])
        transaction.on_commit(message.apply_async, robust=True)


@shared_task(name="guangyuan_jobs.core.tasks.tasks_publish", ignore_result=True, autoretry_for=(OperationalError,),
             retry_backoff=5, retry_backoff_max=300, max_retries=10)
def tasks_publish(signatures: list[dict]) -> int:
    """publish_on_commit's message, in a worker: each task is queued on its own, with its own queue and retries.
    Retried when the broker cannot be reached, it queues them all again, so a task may arrive twice."""
    for task in signatures:
        signature(task).apply_async()
    return len(signatures)
