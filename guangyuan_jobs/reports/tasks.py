"""Thin tasks: ids in, the service does the work. Routed to the `exports` queue (settings).

Services are imported inside the tasks because services import this module to enqueue.
"""

from celery import shared_task


@shared_task(name="guangyuan_jobs.reports.tasks.export_run", ignore_result=True, acks_late=True)
def export_run(job_id: str) -> None:
    from guangyuan_jobs.reports.services import export_run as run

    run(job_id=job_id)


@shared_task(name="guangyuan_jobs.reports.tasks.purge_expired_exports", ignore_result=True)
def purge_expired_exports() -> int:
    from guangyuan_jobs.reports.services import export_purge_expired

    return export_purge_expired()
