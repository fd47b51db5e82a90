from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    ResumableJob("reports.ExportJob", "guangyuan_jobs.reports.tasks.export_run", Q(status="pending")),
)
