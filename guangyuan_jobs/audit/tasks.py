from celery import shared_task

from guangyuan_jobs.audit.services import audit_seal_pending


@shared_task(name="guangyuan_jobs.audit.tasks.seal_audit_chain", ignore_result=True)
def seal_audit_chain() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): hash-chain the events written since the last run."""
    return audit_seal_pending()
