"""Background jobs whose task can be lost between the commit that records them and the publish that queues
them (the broker was down, the web process died). Each app lists such jobs in its `jobs.py` as
`RESUMABLE_JOBS`; a beat task queues again every job still waiting long after it was recorded. Every listed
task must be safe to deliver twice: a job already taken or done is left alone by its own service."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from guangyuan_jobs.core.discovery import app_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumableJob:
    model: str  # "app_label.ModelName"
    task: str  # the Celery task's name; called with the job's primary key as a string
    waiting: Q  # the jobs no worker has taken yet
    recorded_at: str = "created_at"
    # How many tasks a job is queued with (read when queuing): a batch job is shared by several workers.
    tasks_per_job: Callable[[], int] = lambda: 1


def resumable_jobs() -> list[ResumableJob]:
    return [job for module in app_modules("jobs") for job in module.RESUMABLE_JOBS]


def stalled_jobs_resume(*, now=None) -> dict[str, int]:
    """Queue again every job waiting longer than JOBS_STALLED_AFTER_SECONDS. Returns how many per model."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.JOBS_STALLED_AFTER_SECONDS)
    queued: dict[str, int] = {}
    for job in resumable_jobs():
        model = apps.get_model(job.model)
        stalled = (model.objects.filter(job.waiting, **{f"{job.recorded_at}__lt": cutoff})
                   .order_by(job.recorded_at).values_list("pk", flat=True)[:settings.JOBS_RESUME_LIMIT])
        ids = [str(pk) for pk in stalled]
        for pk in ids:
            for _copy in range(job.tasks_per_job()):
                current_app.tasks[job.task].delay(pk)
        if ids:
            logger.warning("queued %d stalled %s job(s) again", len(ids), job.model)
            queued[job.model] = len(ids)
    return queued
