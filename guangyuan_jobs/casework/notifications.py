"""Casework's follow-up of a move: the applicant is told (SMS and portal inbox) and the move's formal notice
is issued, by the notices app, in a Celery task queued once the move commits (never for a rolled-back move).
"""

from collections.abc import Iterable

from celery.canvas import Signature
from django.db.models import Max


def applicants_notify_task(*, case_ids: Iterable[int], event: str,
                           transition_ids: list[int] | None = None) -> Signature | None:
    """The task that tells the applicants about these moves, for the caller to queue once the moves commit
    (core.tasks.publish_on_commit). Called inside the moves' transaction: the moves themselves (timeline
    entries) are named now, so a task that runs late, after a later move of the same kind, still tells about
    each move once. `transition_ids`: the moves, in the order of `case_ids`, when the caller has just made them."""
    from guangyuan_jobs.casework.models import CaseTransition
    from guangyuan_jobs.casework.tasks import notify_applicants

    ids = list(case_ids)
    if not ids:
        return None
    if transition_ids is not None:
        moves = [move for _case, move in sorted(zip(ids, transition_ids, strict=True))]
        ids.sort()
    else:
        moves = list(CaseTransition.objects.filter(case_id__in=ids, action=event).values("case_id")
                     .annotate(last=Max("id")).order_by("case_id").values_list("last", flat=True))
    return notify_applicants.si(ids, event, moves)


def applicants_notify(*, case_ids: Iterable[int], event: str, transition_ids: Iterable[int] | None = None) -> int:
    """Tell the applicants of these cases about `event` and issue its notices. Returns how many SMS went out."""
    from guangyuan_jobs.notices.services.moves import case_moves_handle

    return case_moves_handle(case_ids=case_ids, action=event, transition_ids=transition_ids)
