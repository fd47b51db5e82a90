from django.db.models import Q

from guangyuan_jobs.core.resumable import ResumableJob

RESUMABLE_JOBS = (
    ResumableJob("subsidies.PolicyPush", "subsidies.tasks.policy_push_run", Q(status="pending")),
)
