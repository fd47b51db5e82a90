from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

WAITING = Q(status="pending")

RESUMABLE_JOBS = (
    ResumableJob("subsidies.PolicyPush", "subsidies.tasks.policy_push_run", WAITING),
    ResumableJob("subsidies.RosterImport", "subsidies.tasks.roster_import_run", WAITING),
)
