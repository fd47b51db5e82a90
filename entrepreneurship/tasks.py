"""Celery tasks of the entrepreneurship app: thin, idempotent, calling services."""

from celery import shared_task


@shared_task(bind=True, name="entrepreneurship.tasks.subsidy_upload_check", max_retries=2)
def subsidy_upload_check(self, upload_id: str) -> None:
    """Check a bank's quarterly interest file. A redelivered task rebuilds the rows from the top; a task that
    keeps failing leaves the upload failed, visibly."""
    from entrepreneurship.services.subsidy import subsidy_upload_check as check
    from entrepreneurship.services.subsidy import subsidy_upload_fail

    try:
        check(upload_id=upload_id)
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            subsidy_upload_fail(upload_id=upload_id, error=f"{exc.__class__.__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=2 ** self.request.retries * 10) from exc
