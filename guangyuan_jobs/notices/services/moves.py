"""What follows a move of a case, after its transaction commits: the applicant is told, then the move's
formal notices are issued. Both are idempotent per move, so the task that runs this may run twice."""

from collections.abc import Iterable

from django.db.models import Max

from guangyuan_jobs.casework.models import CaseTransition
from guangyuan_jobs.notices.services.notices import notices_issue_for_move
from guangyuan_jobs.notices.services.notifications import notifications_for_move


def moves_of(*, case_ids: Iterable[int], action: str, transition_ids: Iterable[int] | None) -> list[CaseTransition]:
    """The moves named by the caller, or (a task queued before moves were named) each case's latest such move."""
    if transition_ids is None:
        latest = (CaseTransition.objects.filter(case_id__in=list(case_ids), action=action).values("case_id")
                  .annotate(last=Max("id")).values_list("last", flat=True))
        transition_ids = list(latest)
    return list(CaseTransition.objects.filter(pk__in=list(transition_ids), action=action)
                .select_related("actor").order_by("case_id", "pk"))


def case_moves_handle(*, case_ids: Iterable[int], action: str, transition_ids: Iterable[int] | None = None) -> int:
    """Returns how many SMS went out."""
    moves = moves_of(case_ids=case_ids, action=action, transition_ids=transition_ids)
    sent = notifications_for_move(moves=moves)
    notices_issue_for_move(moves=moves)
    return sent
