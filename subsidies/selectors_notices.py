"""Reads of 公示 (public notices) and objections: the public lists, and the objections in a reviewer's area."""

import datetime

from django.utils import timezone

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import NotFoundError
from subsidies.models import Objection, PublicNotice


def notice_public_list(*, kind: str = "", current: bool = False, q: str = ""):
    """Every notice, newest first; `current`: only those whose window includes today."""
    notices = PublicNotice.objects.all()
    if kind:
        notices = notices.filter(kind=kind)
    if current:
        today = timezone.localdate()
        notices = notices.filter(starts_on__lte=today, ends_on__gte=today)
    if q:
        notices = notices.filter(title__icontains=q.strip()[:100])
    return notices.order_by("-published_at", "-id")


def notice_public_get(*, ref: str) -> PublicNotice:
    notice = PublicNotice.objects.filter(ref=ref).first()
    if notice is None:
        raise NotFoundError()
    return notice


def notice_entries(*, notice: PublicNotice, q: str = ""):
    """The entries as the public sees them; `q` searches the (masked) names."""
    entries = notice.entries.all()
    if q:
        entries = entries.filter(display_name__icontains=q.strip()[:64])
    return entries.order_by("id")


def notice_is_open(notice: PublicNotice, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return notice.starts_on <= today <= notice.ends_on


def objection_list_for(*, user, status: str = "", q: str = ""):
    """Objections against cases in the user's area, newest first."""
    if not (user.is_authenticated and not user.is_applicant and user.has_perm("subsidies.change_objection")):
        return Objection.objects.none()
    objections = scope_queryset(Objection.objects.select_related("case", "entry", "entry__notice", "resolved_by"),
                                user=user, region_field="case__region")
    if status in Objection.Status.values:
        objections = objections.filter(status=status)
    if q:
        objections = objections.filter(case__ref__icontains=q.strip()[:40])
    return objections.order_by("-lodged_at", "-id")


def objection_get_for(*, user, objection_id: int) -> Objection:
    objection = objection_list_for(user=user).filter(pk=objection_id).first()
    if objection is None:
        raise NotFoundError()
    return objection


def upheld_objection_to_refuse(*, case, user) -> Objection | None:
    """The upheld objection whose case `user` may now refuse (an approver on the case page), or None."""
    from guangyuan_jobs.casework.selectors import case_actions_for

    if case.status not in (CaseStatus.APPROVED, CaseStatus.PUBLICIZED):
        return None
    objection = Objection.objects.filter(case=case, status=Objection.Status.UPHELD).order_by("-resolved_at").first()
    if objection is None or not any(a.code == "refuse" for a in case_actions_for(user=user, case=case)):
        return None
    return objection
