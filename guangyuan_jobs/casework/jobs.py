from django.conf import settings
from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    # Queued again with as many tasks as batch_start publishes: the workers share the job.
    ResumableJob("casework.BatchJob", "guangyuan_jobs.casework.tasks.batch_run", Q(status="pending"),
                 tasks_per_job=lambda: settings.CASEWORK_BATCH_WORKERS),
)
