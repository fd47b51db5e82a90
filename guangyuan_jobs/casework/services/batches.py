"""Batch actions as jobs: one row per job and per case, processed by Celery in chunks with set-based SQL.

A chunk is one transaction: it locks its pending items (SKIP LOCKED, so a second worker delivered the same
task takes other items) and their cases, judges each case with the same rules as a single transition, moves
every eligible case with one UPDATE per distinct set of new values, and writes transitions, audit events
and payment orders with bulk inserts. An item leaves `pending` only in the transaction that moved its case,
so a killed worker, a redelivered task or a rerun finds the work done and does nothing twice.
"""

import json
import logging
from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.context import current_source_ip
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import payment_holds
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseTransition, MissingMaterial, Payment
from guangyuan_jobs.casework.notifications import applicants_notify_later
from guangyuan_jobs.casework.rules import ACTIONS, ActorView, CaseFacts, transition_refusal
from guangyuan_jobs.casework.selectors import case_list_for, case_scope, kind_for
from guangyuan_jobs.casework.services.cases import (
    COMMENT_MAX_LENGTH,
    NOTIFIED_ACTIONS,
    PolicyReader,
    transition_plan,
)
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError

logger = logging.getLogger(__name__)

ITEM_INSERT_BATCH = 5000
FIRST_APPROVAL = "first_approval"


@transaction.atomic
def batch_start(*, action: str, actor, comment: str = "", case_refs=None, filters: dict | None = None) -> BatchJob:
    """A batch job over the given references (or every case matching `filters`) in the actor's area.
    Each case is recorded with the version seen now; a case that moves before its chunk runs is skipped."""
    act = ACTIONS.get(action)
    if act is None or not act.batchable:
        raise ApplicationError(_("This action cannot be run as a batch."), code="not_batchable")
    permissions = actor.get_all_permissions() if actor.is_active else set()
    if "casework.batch_case" not in permissions or not permissions.intersection(act.sources.values()):
        raise ForbiddenError(gettext("You may not run the action “%(action)s” as a batch.") % {"action": act.label})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ApplicationError(gettext("A comment has at most %(n)d characters.") % {"n": COMMENT_MAX_LENGTH},
                               code="comment_too_long")
    if (case_refs is None) == (filters is None):
        raise ApplicationError(_("Choose the cases: tick them, or take every case matching the filters."),
                               code="selection_invalid")
    cases = case_list_for(user=actor, filters=filters or {})
    if case_refs is not None:
        cases = cases.filter(ref__in=[str(r) for r in case_refs])
    job = BatchJob.objects.create(action=act.code, comment=comment, requested_by=actor)
    total = 0
    buffer: list[BatchItem] = []
    for case_id, version in cases.order_by("pk").values_list("pk", "version").iterator(chunk_size=ITEM_INSERT_BATCH):
        buffer.append(BatchItem(job=job, case_id=case_id, seen_version=version))
        if len(buffer) >= ITEM_INSERT_BATCH:
            BatchItem.objects.bulk_create(buffer)
            total += len(buffer)
            buffer = []
    BatchItem.objects.bulk_create(buffer)
    total += len(buffer)
    if total == 0:
        raise ApplicationError(_("No case matches your selection."), code="selection_empty")
    job.total = total
    job.save(update_fields=["total"])
    audit_log(actor=actor, event_type="case.batch_start", obj=job,
              details={"action": act.code, "total": total, "comment": comment,
                       "filters": {k: str(v) for k, v in (filters or {}).items()},
                       "refs": len(case_refs) if case_refs is not None else None})
    from guangyuan_jobs.casework.tasks import batch_run

    job_id = str(job.pk)
    transaction.on_commit(lambda: batch_run.delay(job_id))
    return job


def batch_process(*, job_id) -> BatchJob | None:
    """Run a job's pending items chunk by chunk; safe to call again at any time (rerun, redelivery)."""
    job = BatchJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status == BatchJob.Status.COMPLETED:
        return job
    BatchJob.objects.filter(pk=job.pk).exclude(status=BatchJob.Status.COMPLETED).update(
        status=BatchJob.Status.RUNNING, started_at=Coalesce(F("started_at"), timezone.now()), error="")
    size = settings.CASEWORK_BATCH_CHUNK_SIZE
    # One reader for the whole job: each (key, day, region) is looked up once, not once per chunk.
    policy = PolicyReader()
    while _batch_chunk(job=job, size=size, policy=policy):
        pass
    return _batch_finish(job)


@transaction.atomic
def batch_fail(*, job_id, error: str) -> None:
    """A job whose task gave up: visible to its requester as failed; a rerun resumes where it stopped."""
    BatchJob.objects.filter(pk=job_id).exclude(status=BatchJob.Status.COMPLETED).update(
        status=BatchJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())


@transaction.atomic
def _batch_finish(job: BatchJob) -> BatchJob:
    if job.items.filter(outcome=BatchItem.Outcome.PENDING).exists():
        # Another worker still holds a chunk; it finishes the job when it is done.
        return BatchJob.objects.get(pk=job.pk)
    counts = dict(job.items.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    applied = counts.get(BatchItem.Outcome.APPLIED, 0)
    skipped = counts.get(BatchItem.Outcome.SKIPPED, 0)
    finished = BatchJob.objects.filter(pk=job.pk).exclude(status=BatchJob.Status.COMPLETED).update(
        status=BatchJob.Status.COMPLETED, finished_at=timezone.now(), processed=applied + skipped, applied=applied,
        skipped=skipped)
    job.refresh_from_db()
    if finished:
        audit_log(actor=job.requested_by, event_type="case.batch_completed", obj=job,
                  details={"action": job.action, "applied": applied, "skipped": skipped})
    return job


def _freeze(value):
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _audit_event(*, actor, event_type: str, case: Case, details: dict, now) -> AuditEvent:
    # The same row audit_log writes, built for a bulk insert.
    return AuditEvent(occurred_at=now, actor=actor, actor_username=actor.get_username(),
                      source_ip=current_source_ip.get(), event_type=event_type, object_type="casework.case",
                      object_id=case.ref, outcome=AuditEvent.Outcome.SUCCESS, details=details)


@transaction.atomic
def _batch_chunk(*, job: BatchJob, size: int, policy: PolicyReader) -> int:
    """Process up to `size` pending items in one transaction. Returns how many were processed."""
    items = list(BatchItem.objects.select_for_update(skip_locked=True)
                 .filter(job=job, outcome=BatchItem.Outcome.PENDING).order_by("id")[:size])
    if not items:
        return 0
    actor = job.requested_by
    act = ACTIONS[job.action]
    now = timezone.now()
    today = timezone.localdate(now)
    ids = [item.case_id for item in items]
    # Locked in id order, so two jobs over the same cases never deadlock; single transitions on these cases
    # wait for this chunk and then find the version moved.
    cases = {case.pk: case for case in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    visible = set(case_scope(Case.objects.filter(pk__in=ids), user=actor).values_list("pk", flat=True))
    open_missing = dict(MissingMaterial.objects.filter(case_id__in=ids, supplied_at__isnull=True)
                        .values_list("case_id").annotate(n=Count("id")).values_list("case_id", "n"))
    pending_payments = set(Payment.objects.filter(case_id__in=ids, status=Payment.Status.PENDING)
                           .values_list("case_id", flat=True))
    holds = payment_holds(ids) if job.action == "pay" else {}
    permissions = frozenset(actor.get_all_permissions()) if actor.is_active else frozenset()
    if "casework.batch_case" not in permissions:
        permissions = frozenset()  # the right to run batches was withdrawn since the job started

    skipped: dict[str, list[int]] = defaultdict(list)
    moves = []  # (item, case, plan)
    for item in items:
        case = cases[item.case_id]
        kind = kind_for(case)
        view = ActorView(user_id=actor.pk, is_applicant=actor.is_applicant, permissions=permissions,
                         owns_case=False, in_scope=case.pk in visible)
        facts = CaseFacts(open_missing=open_missing.get(case.pk, 0), public_notice=kind.public_notice if kind else True,
                          payment_pending=case.pk in pending_payments, payment_hold=holds.get(case.pk, ""))
        refusal = transition_refusal(act, case=case, actor=view, facts=facts, seen_version=item.seen_version)
        if refusal is not None:
            skipped[refusal.code].append(item.pk)
            continue
        try:
            plan = transition_plan(act, case=case, actor=actor, kind=kind, today=today, now=now,
                                   comment=job.comment, policy=policy)
        except ApplicationError as exc:  # e.g. no policy parameter in force for this case's region
            skipped[exc.code].append(item.pk)
            continue
        moves.append((item, case, plan))

    groups: dict[tuple, list] = defaultdict(list)
    for _item, case, plan in moves:
        key = (plan.to_status, tuple(sorted((k, _freeze(v)) for k, v in plan.fields.items())))
        groups[key].append((case, plan))
    for group in groups.values():
        plan = group[0][1]
        case_ids = [case.pk for case, _plan in group]
        moved = Case.objects.filter(pk__in=case_ids, status__in=list(act.sources)).update(
            status=plan.to_status, version=F("version") + 1, **plan.fields)
        if moved != len(case_ids):
            # The rows are locked, so this cannot happen; if it does, undo the whole chunk rather than guess.
            raise RuntimeError(f"batch {job.pk}: {moved} of {len(case_ids)} locked cases moved")

    CaseTransition.objects.bulk_create([
        CaseTransition(case=case, action=act.code, from_status=case.status, to_status=plan.to_status, actor=actor,
                       comment=job.comment)
        for _item, case, plan in moves
    ])
    events = AuditEvent.objects.bulk_create([
        _audit_event(actor=actor, event_type=f"case.{act.code}", case=case, now=now, details={
            "from": {"status": case.status, "version": case.version},
            "to": {"status": plan.to_status, "version": case.version + 1},
            "comment": job.comment, "batch": str(job.pk), **({"stage": plan.stage} if plan.stage else {}),
        })
        for _item, case, plan in moves
    ])
    if act.code == "approve":
        Payment.objects.bulk_create([
            Payment(case=case, amount=case.approved_amount, approval_event_id=event.pk)
            for (_item, case, plan), event in zip(moves, events, strict=True)
            if not plan.stage and case.approved_amount is not None
        ])
    elif act.code == "pay":
        Payment.objects.filter(case_id__in=[case.pk for _i, case, _p in moves], status=Payment.Status.PENDING).update(
            status=Payment.Status.PAID, paid_at=now)

    moved_by_kind: dict[str, list[Case]] = defaultdict(list)
    for _item, case, plan in moves:
        if not plan.stage:
            moved_by_kind[case.kind].append(case)
    for cases_of_kind in moved_by_kind.values():
        kind = kind_for(cases_of_kind[0])
        if kind is not None and kind.on_transition is not None:
            kind.on_transition(cases=cases_of_kind, action=act.code, actor=actor)

    first = [item.pk for item, _case, plan in moves if plan.stage]
    final = [item.pk for item, _case, plan in moves if not plan.stage]
    BatchItem.objects.filter(pk__in=final).update(outcome=BatchItem.Outcome.APPLIED, reason="", processed_at=now)
    BatchItem.objects.filter(pk__in=first).update(outcome=BatchItem.Outcome.APPLIED, reason=FIRST_APPROVAL,
                                                  processed_at=now)
    for reason, item_ids in skipped.items():
        BatchItem.objects.filter(pk__in=item_ids).update(outcome=BatchItem.Outcome.SKIPPED, reason=reason[:200],
                                                         processed_at=now)
    skipped_count = sum(len(v) for v in skipped.values())
    BatchJob.objects.filter(pk=job.pk).update(processed=F("processed") + len(items),
                                              applied=F("applied") + len(moves), skipped=F("skipped") + skipped_count)
    if act.code in NOTIFIED_ACTIONS:
        applicants_notify_later(case_ids=[case.pk for _item, case, plan in moves if not plan.stage], event=act.code)
    return len(items)
