"""Celery tasks of the priority-groups app: thin, idempotent, calling services."""

from celery import shared_task


@shared_task(name="priority_groups.tasks.roster_import_run")
def roster_import_run(import_id: str) -> None:
    """Process a roster import. The service ends every failure in a visible failed state; a redelivered task
    starts the import again from the top, which adds no one twice."""
    from priority_groups.services.roster import roster_import_run as run

    run(import_id=import_id)
