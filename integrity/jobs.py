from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    ResumableJob("integrity.SourceImport", "integrity.tasks.source_import_run", Q(status="pending")),
)
