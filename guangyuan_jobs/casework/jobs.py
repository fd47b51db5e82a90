from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    ResumableJob("casework.BatchJob", "guangyuan_jobs.casework.tasks.batch_run", Q(status="pending")),
)
