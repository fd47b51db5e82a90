"""Celery tasks of the subsidies app: thin, idempotent, calling services. One section per area."""

from celery import shared_task

# --- outreach


@shared_task(bind=True, name="subsidies.tasks.policy_push_run", max_retries=3)
def policy_push_run(self, push_id: int) -> None:
    """Send a policy push. Each recipient is marked in its own transaction, so a retry or a redelivery
    continues with the ones still waiting."""
    from subsidies.services.outreach import policy_push_fail, policy_push_send

    try:
        policy_push_send(push_id=push_id)
    except Exception as exc:
        # In process (the embedded demo) there is no worker to retry later: fail now, visibly.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            policy_push_fail(push_id=push_id, error=f"{exc.__class__.__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=2 ** self.request.retries * 10) from exc

# --- payments


@shared_task(bind=True, name="subsidies.tasks.payment_batch_settle", max_retries=3)
def payment_batch_settle(self, batch_id: str) -> None:
    """Mark the paid cases of a reconciling batch paid. Each case moves in its own transaction, so a retry or
    a redelivery continues with the ones still waiting."""
    from subsidies.services.payments import payment_batch_settle as settle
    from subsidies.services.payments import payment_batch_settle_failed

    try:
        settle(batch_id=batch_id)
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            payment_batch_settle_failed(batch_id=batch_id, error=f"{exc.__class__.__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=2 ** self.request.retries * 10) from exc


@shared_task(name="subsidies.tasks.payment_batches_settle_pending")
def payment_batches_settle_pending() -> int:
    """Periodic: resume batches left reconciling (a task lost between commit and publish, a dead worker)."""
    from subsidies.services.payments import payment_batches_settle_pending as resume

    return resume()

# --- roster


@shared_task(name="subsidies.tasks.roster_import_run")
def roster_import_run(import_id: str) -> None:
    """Process a roster import. The service ends every failure in a visible failed state; a redelivered task
    (a worker died) starts the import again from the top, which changes nothing twice."""
    from subsidies.services.roster import roster_import_run as run

    run(import_id=import_id)


@shared_task(name="subsidies.tasks.roster_refunds_notify")
def roster_refunds_notify(case_ids: list[int], event: str) -> int:
    from subsidies.services.roster import refund_notify

    return refund_notify(case_ids=case_ids, event=event)


@shared_task(name="subsidies.tasks.roster_refunds_lapse")
def roster_refunds_lapse() -> int:
    """Periodic: lapse the direct refunds their firms did not confirm in time."""
    from subsidies.services.roster import refund_lapse_unconfirmed

    return len(refund_lapse_unconfirmed())
