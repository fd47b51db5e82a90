"""Batch actions as jobs: one row per job and per case, processed by Celery in chunks with set-based SQL.

A job is shared by CASEWORK_BATCH_WORKERS tasks, one per worker process, each running chunks until none is left. A
chunk is one transaction: it locks its pending items (SKIP LOCKED, so another worker on the same job, or a
redelivered task, takes other items rather than waiting) and their cases, reading with the lock only the columns
the rules need, then in a few indexed queries over the chunk's ids the other facts (open missing materials, a
pending payment order, whether the case is in the actor's area). It judges each case in Python with the same rules
as a single transition, then writes set-based, per distinct plan: the timeline entries, the audit events (one per
case, the row audit_log writes) and, for an approval, the payment orders, read from the locked case rows before
they move; then the conditional UPDATE. PostgreSQL writes the three in one statement, the payment orders taking
their approval events' ids from the events' RETURNING; SQLite runs one INSERT ... SELECT each, the orders joined to
their events by case reference. An item leaves `pending` only in the transaction that moved its case, so a killed
worker, a redelivered task or a rerun finds the work done and does nothing twice.
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.context import current_source_ip
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import CaseKind, payment_holds, transition_hooks
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseTransition, MissingMaterial, Payment
from guangyuan_jobs.casework.notifications import applicants_notify_task
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
from guangyuan_jobs.core.tasks import publish_on_commit

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
    # Several tasks share the job, each taking the chunks no other holds (see batch_process); in process (the
    # embedded demo) the first runs it all and the others find it completed.
    for _worker in range(settings.CASEWORK_BATCH_WORKERS):
        transaction.on_commit(lambda: batch_run.delay(job_id), robust=True)
    return job


def batch_process(*, job_id) -> BatchJob | None:
    """Run a job's pending items chunk by chunk; safe to call again at any time (rerun, redelivery), and by
    several workers at once: each takes the chunks no other holds, skipping (not waiting for) a chunk another
    has locked, and whoever finishes last completes the job."""
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
    # A job another worker gave up on (failed) is completed by the one that did its last items: the error is past.
    finished = BatchJob.objects.filter(pk=job.pk).exclude(status=BatchJob.Status.COMPLETED).update(
        status=BatchJob.Status.COMPLETED, finished_at=timezone.now(), processed=applied + skipped, applied=applied,
        skipped=skipped, error="")
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


def _plan_key(plan: TransitionPlan) -> tuple:
    """Plans that set the same columns to the same values share a key. A model instance stands as its primary
    key (hashing the instance costs more, and the key is hashed twice a case); most other values are hashable
    as they are, so each needs no conversion; lists and dicts do."""
    fields = tuple(sorted((k, v.pk if isinstance(v, models.Model) else v) for k, v in plan.fields.items()))
    try:
        hash(fields)
    except TypeError:
        fields = tuple((k, _freeze(v)) for k, v in fields)
    return (plan.to_status, plan.stage, fields)


@dataclass
class _Move:
    """Cases of one chunk that one plan moves alike: one UPDATE, one INSERT of each kind for all of them."""

    plan: TransitionPlan
    cases: list[Case]
    case_ids: list[int]
    item_ids: list[int]


@dataclass
class _Chunk:
    """A chunk's locked cases and the facts the rules need beyond their columns."""

    cases: dict[int, Case]
    kinds: dict[str, CaseKind | None]
    in_scope: set[int]
    open_missing: dict[int, int]
    payment_pending: set[int]


# The columns the rules of a single transition read (transition_refusal, transition_plan) and the writes use. A
# chunk loads only these, except for the cases of a kind whose own code will see them (see _kind_reads_cases).
RULE_FIELDS = ("id", "ref", "kind", "region_id", "status", "version", "created_by_id", "submitted_by_id",
               "accepted_by_id", "reviewed_by_id", "first_approved_by_id", "approved_by_id", "approved_amount",
               "requested_amount")


def _kind_reads_cases(kind: CaseKind | None, act) -> bool:
    """Whether the kind's own code reads the chunk's cases (any column): its on_transition, or its amount rule,
    which the review of a case runs."""
    return kind is not None and (kind.on_transition is not None or (act.code == "review" and kind.amount is not None))


def _partial_cases(rows: models.QuerySet) -> dict[int, Case]:
    """Case instances of `rows` (a values_list of RULE_FIELDS, the id first) by id, holding only those columns,
    as .only() gives them: any other column is read from the database when first used. Built without
    Model.__init__, which costs more than the rules themselves over 100,000 cases (Case sends no init signals)."""
    cases = {}
    new, db = Case.__new__, rows.db
    for row in rows:
        case = new(Case)
        case.__dict__.update(zip(RULE_FIELDS, row, strict=True))
        state = case._state = ModelState()
        state.adding, state.db = False, db
        cases[row[0]] = case
    return cases


def _locked_cases(*, case_ids: list[int], actor, act) -> _Chunk:
    """The chunk's cases, locked in id order (two jobs over the same cases never deadlock; a single transition
    on one of them waits for the chunk and then finds its version moved), then the facts the rules need: each
    read by its own indexed query over the chunk's ids, once the cases are locked."""
    rows = (Case.objects.select_for_update().filter(pk__in=_ids(case_ids)).order_by("pk")
            .values_list(*RULE_FIELDS))
    cases = _partial_cases(rows)
    kinds: dict[str, CaseKind | None] = {}
    for case in cases.values():
        if case.kind not in kinds:
            kinds[case.kind] = kind_for(case)
    whole = [pk for pk, case in cases.items() if _kind_reads_cases(kinds[case.kind], act)]
    if whole:
        cases.update((case.pk, case) for case in Case.objects.filter(pk__in=_ids(whole)))
    in_scope = set(case_scope(Case.objects.filter(pk__in=_ids(case_ids)), user=actor)
                   .values_list("pk", flat=True))
    open_missing = dict(MissingMaterial.objects.filter(case__in=_ids(case_ids), supplied_at__isnull=True)
                        .order_by().values("case").annotate(n=Count("id")).values_list("case", "n"))
    payment_pending = set(Payment.objects.filter(case__in=_ids(case_ids), status=Payment.Status.PENDING)
                          .values_list("case", flat=True))
    return _Chunk(cases=cases, kinds=kinds, in_scope=in_scope, open_missing=open_missing,
                  payment_pending=payment_pending)


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
    # The label is translated once for the chunk, not once per case by each refusal check.
    act = replace(ACTIONS[job.action], label=str(ACTIONS[job.action].label))
    now = timezone.now()
    today = timezone.localdate(now)
    chunk = _locked_cases(case_ids=[case_id for _pk, case_id, _seen in items], actor=actor, act=act)
    cases = chunk.cases
    holds = payment_holds(list(cases)) if job.action == "pay" else {}
    permissions = frozenset(actor.get_all_permissions()) if actor.is_active else frozenset()
    if "casework.batch_case" not in permissions:
        permissions = frozenset()  # the right to run batches was withdrawn since the job started
    views = {scoped: ActorView(user_id=actor.pk, is_applicant=actor.is_applicant, permissions=permissions,
                               owns_case=False, in_scope=scoped) for scoped in (False, True)}
    kinds = chunk.kinds

    skipped: dict[str, list[int]] = defaultdict(list)
    moves: dict[tuple, _Move] = {}
    for item_id, case_id, seen_version in items:
        case = cases[case_id]
        kind = kinds[case.kind]
        facts = CaseFacts(open_missing=chunk.open_missing.get(case_id, 0),
                          public_notice=kind.public_notice if kind else True,
                          payment_pending=case_id in chunk.payment_pending, payment_hold=holds.get(case_id, ""))
        refusal = transition_refusal(act, case=case, actor=views[case_id in chunk.in_scope], facts=facts,
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
        key = _plan_key(plan)
        move = moves.get(key)
        if move is None:
            move = moves[key] = _Move(plan=plan, cases=[], case_ids=[], item_ids=[])
        move.cases.append(case)
        move.case_ids.append(case_id)
        move.item_ids.append(item_id)

    transitions: list[tuple[int, int]] | None = []  # (case, timeline entry) of each move, when the writes name them
    for move in moves.values():
        named = _apply(move, job=job, act=act, actor=actor, now=now)
        if not move.plan.stage:
            transitions = None if named is None or transitions is None else transitions + named

    moved_by_kind: dict[str, list[Case]] = defaultdict(list)
    for move in moves.values():
        if not move.plan.stage:
            for case in move.cases:
                moved_by_kind[case.kind].append(case)
    for code, cases_of_kind in moved_by_kind.items():
        kind = kinds[code]
        if kind is not None and kind.on_transition is not None:
            kind.on_transition(cases=cases_of_kind, action=act.code, actor=actor)
    moved = [case for cases_of_kind in moved_by_kind.values() for case in cases_of_kind]
    follow_ups = []
    if moved:
        # other apps' effects on every kind's moves, as for a single move
        follow_ups = [hook(cases=moved, action=act.code, actor=actor) for hook in transition_hooks()]

    _record_outcomes(job=job, moves=list(moves.values()), skipped=skipped, processed=len(items), now=now)
    if act.code in NOTIFIED_ACTIONS and moved:
        if transitions is None:
            follow_ups.append(applicants_notify_task(case_ids=[case.pk for case in moved], event=act.code))
        else:
            follow_ups.append(applicants_notify_task(case_ids=[case_id for case_id, _move in transitions],
                                                     event=act.code,
                                                     transition_ids=[move for _case_id, move in transitions]))
    publish_on_commit(follow_ups)
    return len(items)


def _record_outcomes(*, job: BatchJob, moves: list[_Move], skipped: dict[str, list[int]], processed: int,
                     now) -> None:
    """Each item's result, and the job's progress: the last writes of a chunk."""
    outcomes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for move in moves:
        outcomes[BatchItem.Outcome.APPLIED, FIRST_APPROVAL if move.plan.stage else ""].extend(move.item_ids)
    for reason, ids in skipped.items():
        outcomes[BatchItem.Outcome.SKIPPED, reason[:200]].extend(ids)
    for (outcome, reason), ids in outcomes.items():
        BatchItem.objects.filter(pk__in=_ids(ids)).update(outcome=outcome, reason=reason, processed_at=now)
    applied = sum(len(move.item_ids) for move in moves)
    BatchJob.objects.filter(pk=job.pk).update(processed=F("processed") + processed, applied=F("applied") + applied,
                                              skipped=F("skipped") + processed - applied)


def _writes_in_one_statement() -> bool:
    """PostgreSQL writes a move's timeline entries, audit events and payment orders in one statement, the orders
    joined to the events it just inserted; elsewhere (SQLite) one INSERT ... SELECT each."""
    return connection.vendor == "postgresql"


def _apply(move: _Move, *, job: BatchJob, act, actor, now) -> list[tuple[int, int]] | None:
    """One plan over its cases, set-based: timeline entries and audit events read from the locked rows before
    they move, the conditional UPDATE, and the payment orders (approval) or their payment (pay). Returns the
    (case, timeline entry) pairs when the writes named them."""
    plan = move.plan
    case_ids = move.case_ids
    named = None
    if _writes_in_one_statement():
        named = _insert_in_one_statement(move, job=job, act=act, actor=actor, now=now)
    else:
        _insert_one_by_one(move, job=job, act=act, actor=actor, now=now)
    moved = Case.objects.filter(pk__in=_ids(case_ids), status__in=list(act.sources)).update(
        status=plan.to_status, version=F("version") + 1, **plan.fields)
    if moved != len(case_ids):
        # The rows are locked, so this cannot happen; if it does, undo the whole chunk rather than guess.
        raise RuntimeError(f"batch {job.pk}: {moved} of {len(case_ids)} locked cases moved")
    if act.code == "pay":
        Payment.objects.filter(case_id__in=_ids(case_ids), status=Payment.Status.PENDING).update(
            status=Payment.Status.PAID, paid_at=now)
    return named


def _makes_payment_orders(act, plan: TransitionPlan) -> bool:
    return act.code == "approve" and not plan.stage


def _insert_one_by_one(move: _Move, *, job: BatchJob, act, actor, now) -> None:
    """Timeline entries, audit events and (approval) payment orders, one INSERT ... SELECT each, before the
    cases move: the payment orders find their approval events by case reference, time and approver."""
    plan = move.plan
    rows = Case.objects.filter(pk__in=_ids(move.case_ids))
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
    if _makes_payment_orders(act, plan):
        # Payment.case is unique: a second order for the same case is refused by the database.
        approval = (AuditEvent.objects.filter(object_type=CASE_OBJECT_TYPE, object_id=OuterRef("ref"),
                                              event_type="case.approve", occurred_at=now, actor_id=actor.pk)
                    .order_by("-id").values("id")[:1])
        _insert_select(Payment, ["case", "amount", "status", "approval_event_id", "created_at", "failure_reason"],
                       rows.filter(approved_amount__isnull=False).values_list(
                           "pk", "approved_amount", _const(Payment.Status.PENDING, models.CharField()),
                           Subquery(approval), _const(now, models.DateTimeField()), _const("", models.CharField())))


def _insert_in_one_statement(move: _Move, *, job: BatchJob, act, actor, now) -> list[tuple[int, int]]:
    """The same rows as _insert_one_by_one, in one PostgreSQL statement: the locked cases are read once, and the
    payment orders take their approval events' ids from the RETURNING of the events' INSERT (no search of the
    audit table per case). Returns (case, timeline entry) pairs."""
    plan = move.plan
    table = {model: connection.ops.quote_name(model._meta.db_table)
             for model in (Case, CaseTransition, AuditEvent, Payment)}
    params = {
        "ids": move.case_ids, "action": act.code, "to": plan.to_status, "actor": actor.pk,
        "username": actor.get_username(), "ip": current_source_ip.get(), "event": f"case.{act.code}",
        "object_type": CASE_OBJECT_TYPE, "success": AuditEvent.Outcome.SUCCESS, "comment": job.comment,
        "batch": str(job.pk), "stage": plan.stage, "now": now, "pending": Payment.Status.PENDING,
    }
    stage = ", 'stage', %(stage)s::text" if plan.stage else ""
    # The same row audit_log writes, one per case, with the details the generic path builds (jsonb either way).
    payments = f"""
        , orders AS (
            INSERT INTO {table[Payment]} (case_id, amount, status, approval_event_id, created_at, failure_reason)
            SELECT src.id, src.approved_amount, %(pending)s, events.id, %(now)s::timestamptz, ''
            FROM src JOIN events ON events.object_id = src.ref
            WHERE src.approved_amount IS NOT NULL ORDER BY src.id
        )""" if _makes_payment_orders(act, plan) else ""  # noqa: S608 - table names from the models
    sql = f"""
        WITH src AS MATERIALIZED (
            SELECT id, ref, status, version, approved_amount FROM {table[Case]} WHERE id = ANY(%(ids)s::bigint[])
        ), timeline AS (
            INSERT INTO {table[CaseTransition]} (case_id, action, from_status, to_status, actor_id, comment,
                                                 created_at)
            SELECT id, %(action)s, status, %(to)s, %(actor)s::bigint, %(comment)s::text, %(now)s::timestamptz
            FROM src ORDER BY id
            RETURNING case_id, id
        ), events AS (
            INSERT INTO {table[AuditEvent]} (occurred_at, actor_id, actor_username, source_ip, event_type,
                                             object_type, object_id, outcome, details)
            SELECT %(now)s::timestamptz, %(actor)s::bigint, %(username)s, %(ip)s::inet, %(event)s, %(object_type)s,
                   ref, %(success)s,
                   jsonb_build_object('from', jsonb_build_object('status', status, 'version', version),
                                      'to', jsonb_build_object('status', %(to)s::text, 'version', version + 1),
                                      'comment', %(comment)s::text, 'batch', %(batch)s::text{stage})
            FROM src ORDER BY id
            RETURNING id, object_id
        ){payments}
        SELECT case_id, id FROM timeline
    """  # noqa: S608 - table names from the models, every value a parameter
    with connection.cursor() as cursor:
        # The new rows' foreign keys (Django makes them DEFERRABLE INITIALLY DEFERRED, the only deferrable
        # constraints here) are checked at the end of this statement rather than at commit: the checks then
        # find the cases as this chunk locked them, before the UPDATE gives each a new row version that every
        # check would have to lock afresh. Checked all the same, only earlier; deferred again afterwards.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)
        named = cursor.fetchall()
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return named
