from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    ResumableJob("priority_groups.PersonRosterImport", "priority_groups.tasks.roster_import_run", Q(status="pending")),
)
