"""Batch actions as jobs: one row per job and per case, processed by Celery in chunks with set-based SQL.

A chunk is one transaction: it locks its pending items (SKIP LOCKED, so a second worker delivered the same
task takes other items) and their cases, reading with the same lock what the rules need (open missing
materials, a pending payment order, whether the case is in the actor's area). It judges each case in Python
with the same rules as a single transition, then writes set-based, one statement per distinct plan: the
timeline entries and the audit events as INSERT ... SELECT from the locked case rows, the conditional UPDATE
on (status, version), the payment orders as INSERT ... SELECT joined to their approval events. An item leaves
`pending` only in the transaction that moved its case, so a killed worker, a redelivered task or a rerun
finds the work done and does nothing twice.
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.context import current_source_ip
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import payment_holds, transition_hooks
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseTransition, MissingMaterial, Payment
from guangyuan_jobs.casework.notifications import applicants_notify_later
from guangyuan_jobs.casework.rules import ACTIONS, ActorView, CaseFacts, transition_refusal
from guangyuan_jobs.casework.selectors import case_list_for, case_scope, kind_for
from guangyuan_jobs.casework.services.cases import (
    COMMENT_MAX_LENGTH,
    NOTIFIED_ACTIONS,
    PolicyReader,
    TransitionPlan,
    transition_plan,
)
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError

logger = logging.getLogger(__name__)

FIRST_APPROVAL = "first_approval"
CASE_OBJECT_TYPE = "casework.case"


def _insert_select(model: type[models.Model], columns: list[str], rows: models.QuerySet) -> int:
    """INSERT INTO model (columns) SELECT ...: `rows` is a values_list() whose expressions are in the order of
    `columns`. One statement, no Python object per row; returns how many rows were inserted."""
    sql, params = rows.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 - compiled by the ORM
        return cursor.rowcount


def _ids(ids: list[int]) -> RawSQL:
    """A list of ids as ONE parameter, for `pk__in`: the ORM would prepare and bind each of a chunk's thousands
    of ids, in every statement of the chunk."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(ids)),))


def _const(value, field: models.Field):
    """A constant column of an INSERT ... SELECT. Typed on PostgreSQL, which will not guess the type of a
    parameter in a uuid, inet or json slot; left alone on SQLite, whose CAST to a date-time would drop the
    microseconds the payment orders are matched on."""
    constant = Value(value, output_field=field)
    return Cast(constant, field) if connection.vendor == "postgresql" else constant


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
    # One INSERT ... SELECT of the selection: no case passes through Python.
    total = _insert_select(BatchItem, ["job", "case", "seen_version", "outcome", "reason"], cases.values_list(
        _const(job.pk, models.UUIDField()), "pk", "version", _const(BatchItem.Outcome.PENDING, models.CharField()),
        _const("", models.CharField())))
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
    transaction.on_commit(lambda: batch_run.delay(job_id), robust=True)
    return job


def batch_process(*, job_id) -> BatchJob | None:
    """Run a job's pending items chunk by chunk; safe to call again at any time (rerun, redelivery)."""
    job = BatchJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status == BatchJob.Status.COMPLETED:
        return job
    BatchJob.objects.filter(pk=job.pk).exclude(status=BatchJob.Status.COMPLETED).update(
        status=BatchJob.Status.RUNNING, started_at=Coalesce(F("started_at"), timezone.now()), error="")
    size = settings.CASEWORK_BATCH_CHUNK_SIZE
    # The pending items are listed once and taken by primary key, chunk by chunk: no chunk scans the items
    # of the job again (the planner's statistics of a table just filled by batch_start are stale anyway).
    pending = list(BatchItem.objects.filter(job=job, outcome=BatchItem.Outcome.PENDING).order_by("id")
                   .values_list("pk", flat=True))
    # One reader for the whole job: each (key, day, region) is looked up once, not once per chunk.
    policy = PolicyReader()
    for start in range(0, len(pending), size):
        chunk = pending[start:start + size]
        _batch_chunk(job=job, first_item=chunk[0], last_item=chunk[-1], policy=policy)
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


@dataclass
class _Move:
    """Cases of one chunk that one plan moves alike: one UPDATE, one INSERT of each kind for all of them."""

    plan: TransitionPlan
    cases: list[Case]
    item_ids: list[int]


def _locked_cases(*, case_ids: list[int], actor) -> dict[int, Case]:
    """The chunk's cases, locked in id order (two jobs over the same cases never deadlock; a single transition
    on one of them waits for the chunk and then finds its version moved), each with the facts the rules need,
    read in the same statement."""
    in_scope = Exists(case_scope(Case.objects.filter(pk=OuterRef("pk")), user=actor))
    open_missing = (MissingMaterial.objects.filter(case=OuterRef("pk"), supplied_at__isnull=True).order_by()
                    .values("case").annotate(n=Count("id")).values("n"))
    rows = (Case.objects.select_for_update(of=("self",)).filter(pk__in=_ids(case_ids)).order_by("pk")
            .annotate(batch_in_scope=in_scope, batch_open_missing=Coalesce(Subquery(open_missing), 0),
                      batch_payment_pending=Exists(Payment.objects.filter(case=OuterRef("pk"),
                                                                          status=Payment.Status.PENDING))))
    return {case.pk: case for case in rows}


@transaction.atomic
def _batch_chunk(*, job: BatchJob, first_item: int, last_item: int, policy: PolicyReader) -> int:
    """Process the job's items from `first_item` to `last_item` (ids) still pending and not held by another
    worker, in one transaction. Returns how many were processed."""
    items = list(BatchItem.objects.select_for_update(skip_locked=True)
                 .filter(pk__range=(first_item, last_item), job=job, outcome=BatchItem.Outcome.PENDING).order_by("id")
                 .values_list("pk", "case_id", "seen_version"))
    if not items:
        return 0
    actor = job.requested_by
    act = ACTIONS[job.action]
    now = timezone.now()
    today = timezone.localdate(now)
    cases = _locked_cases(case_ids=[case_id for _pk, case_id, _seen in items], actor=actor)
    holds = payment_holds(list(cases)) if job.action == "pay" else {}
    permissions = frozenset(actor.get_all_permissions()) if actor.is_active else frozenset()
    if "casework.batch_case" not in permissions:
        permissions = frozenset()  # the right to run batches was withdrawn since the job started
    views = {scoped: ActorView(user_id=actor.pk, is_applicant=actor.is_applicant, permissions=permissions,
                               owns_case=False, in_scope=scoped) for scoped in (False, True)}

    skipped: dict[str, list[int]] = defaultdict(list)
    moves: dict[tuple, _Move] = {}
    for item_id, case_id, seen_version in items:
        case = cases[case_id]
        kind = kind_for(case)
        facts = CaseFacts(open_missing=case.batch_open_missing, public_notice=kind.public_notice if kind else True,
                          payment_pending=case.batch_payment_pending, payment_hold=holds.get(case.pk, ""))
        refusal = transition_refusal(act, case=case, actor=views[case.batch_in_scope], facts=facts,
                                     seen_version=seen_version)
        if refusal is not None:
            skipped[refusal.code].append(item_id)
            continue
        try:
            plan = transition_plan(act, case=case, actor=actor, kind=kind, today=today, now=now,
                                   comment=job.comment, policy=policy)
        except ApplicationError as exc:  # e.g. no policy parameter in force for this case's region
            skipped[exc.code].append(item_id)
            continue
        key = (plan.to_status, plan.stage, tuple(sorted((k, _freeze(v)) for k, v in plan.fields.items())))
        move = moves.setdefault(key, _Move(plan=plan, cases=[], item_ids=[]))
        move.cases.append(case)
        move.item_ids.append(item_id)

    for move in moves.values():
        _apply(move, job=job, act=act, actor=actor, now=now)

    moved_by_kind: dict[str, list[Case]] = defaultdict(list)
    for move in moves.values():
        if not move.plan.stage:
            for case in move.cases:
                moved_by_kind[case.kind].append(case)
    for cases_of_kind in moved_by_kind.values():
        kind = kind_for(cases_of_kind[0])
        if kind is not None and kind.on_transition is not None:
            kind.on_transition(cases=cases_of_kind, action=act.code, actor=actor)
    moved = [case for cases_of_kind in moved_by_kind.values() for case in cases_of_kind]
    if moved:
        for hook in transition_hooks():  # other apps' effects on every kind's moves, as for a single move
            hook(cases=moved, action=act.code, actor=actor)

    outcomes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for move in moves.values():
        outcomes[BatchItem.Outcome.APPLIED, FIRST_APPROVAL if move.plan.stage else ""].extend(move.item_ids)
    for reason, ids in skipped.items():
        outcomes[BatchItem.Outcome.SKIPPED, reason[:200]].extend(ids)
    for (outcome, reason), ids in outcomes.items():
        BatchItem.objects.filter(pk__in=_ids(ids)).update(outcome=outcome, reason=reason, processed_at=now)
    applied = sum(len(move.item_ids) for move in moves.values())
    BatchJob.objects.filter(pk=job.pk).update(processed=F("processed") + len(items), applied=F("applied") + applied,
                                              skipped=F("skipped") + len(items) - applied)
    if act.code in NOTIFIED_ACTIONS and moved:
        applicants_notify_later(case_ids=[case.pk for case in moved], event=act.code)
    return len(items)


def _apply(move: _Move, *, job: BatchJob, act, actor, now) -> None:
    """One plan over its cases, set-based: timeline entries and audit events read from the locked rows before
    they move, then the conditional UPDATE, then (approval) the payment orders."""
    plan = move.plan
    case_ids = [case.pk for case in move.cases]
    rows = Case.objects.filter(pk__in=_ids(case_ids))
    comment = _const(job.comment, models.TextField())
    actor_id = _const(actor.pk, models.BigIntegerField())
    _insert_select(CaseTransition, ["case", "action", "from_status", "to_status", "actor", "comment", "created_at"],
                   rows.values_list("pk", _const(act.code, models.CharField()), "status",
                                    _const(plan.to_status, models.CharField()), actor_id, comment,
                                    _const(now, models.DateTimeField())))
    details = {
        "from": JSONObject(status=F("status"), version=F("version")),
        "to": JSONObject(status=_const(plan.to_status, models.CharField()), version=F("version") + 1),
        "comment": comment, "batch": _const(str(job.pk), models.CharField()),
    }
    if plan.stage:
        details["stage"] = _const(plan.stage, models.CharField())
    # The same row audit_log writes, one per case.
    _insert_select(AuditEvent, ["occurred_at", "actor", "actor_username", "source_ip", "event_type", "object_type",
                                "object_id", "outcome", "details"],
                   rows.values_list(_const(now, models.DateTimeField()), actor_id,
                                    _const(actor.get_username(), models.CharField()),
                                    _const(current_source_ip.get(), models.GenericIPAddressField()),
                                    _const(f"case.{act.code}", models.CharField()),
                                    _const(CASE_OBJECT_TYPE, models.CharField()), "ref",
                                    _const(AuditEvent.Outcome.SUCCESS, models.CharField()), JSONObject(**details)))
    moved = rows.filter(status__in=list(act.sources)).update(
        status=plan.to_status, version=F("version") + 1, **plan.fields)
    if moved != len(case_ids):
        # The rows are locked, so this cannot happen; if it does, undo the whole chunk rather than guess.
        raise RuntimeError(f"batch {job.pk}: {moved} of {len(case_ids)} locked cases moved")
    if act.code == "approve" and not plan.stage:
        # Payment.case is unique: a second order for the same case is refused by the database.
        approval = (AuditEvent.objects.filter(object_type=CASE_OBJECT_TYPE, object_id=OuterRef("ref"),
                                              event_type="case.approve", occurred_at=now, actor_id=actor.pk)
                    .order_by("-id").values("id")[:1])
        _insert_select(Payment, ["case", "amount", "status", "approval_event_id", "created_at", "failure_reason"],
                       rows.filter(approved_amount__isnull=False).values_list(
                           "pk", "approved_amount", _const(Payment.Status.PENDING, models.CharField()),
                           Subquery(approval), _const(now, models.DateTimeField()), _const("", models.CharField())))
    elif act.code == "pay":
        Payment.objects.filter(case_id__in=_ids(case_ids), status=Payment.Status.PENDING).update(
            status=Payment.Status.PAID, paid_at=now)
