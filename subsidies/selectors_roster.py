"""Reads of 免申即享 roster imports and of the refunds waiting for their firm's confirmation."""

from django.db.models import QuerySet
from django.utils import timezone

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.imports.selectors import ImportProgress, job_progress
from subsidies.models import RosterImport, StablePostRefundDetail


def roster_imports_visible(user) -> bool:
    return bool(user.is_authenticated and user.is_active and not user.is_applicant
                and user.has_perm("subsidies.view_rosterimport"))


def roster_import_list_for(*, user, status: str = "", premium_year: str = "") -> QuerySet[RosterImport]:
    """Imports are city-wide data from the social-insurance agency: every holder of the permission sees them
    all (the cases they create are scoped like any other)."""
    if not roster_imports_visible(user):
        return RosterImport.objects.none()
    imports = RosterImport.objects.select_related("created_by", "preview_of")
    if status in RosterImport.Status.values:
        imports = imports.filter(status=status)
    if str(premium_year).isdigit():
        imports = imports.filter(premium_year=int(premium_year))
    return imports.order_by("-created_at")


def roster_import_get_for(*, user, import_id) -> RosterImport:
    roster = roster_import_list_for(user=user).filter(pk=import_id).first()
    if roster is None:
        raise NotFoundError()
    return roster


def roster_import_progress(roster: RosterImport) -> ImportProgress:
    return job_progress(roster)


def refunds_for(*, user) -> QuerySet[StablePostRefundDetail]:
    """The firm's direct refunds, newest first: what it has to confirm, and what it confirmed."""
    if not (user.is_authenticated and user.is_applicant and user.enterprise_id):
        return StablePostRefundDetail.objects.none()
    return (StablePostRefundDetail.objects.filter(enterprise_id=user.enterprise_id,
                                                  channel=StablePostRefundDetail.Channel.DIRECT)
            .select_related("case", "enterprise").order_by("-premium_year", "-case_id"))


def refund_waiting(detail: StablePostRefundDetail) -> bool:
    return (detail.case.status == CaseStatus.DRAFT and detail.confirmed_at is None
            and (detail.confirmation_due is None or detail.confirmation_due >= timezone.localdate()))


def refund_get_for(*, user, ref: str) -> StablePostRefundDetail:
    detail = refunds_for(user=user).filter(case__ref=ref).first()
    if detail is None:
        raise NotFoundError()
    return detail
