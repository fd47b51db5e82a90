"""Labels and colours for case statuses, actions and batch outcomes, shared by every casework page."""

from django import template
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.rules import ACTIONS, SKIP_REASONS

register = template.Library()

STATUS_COLOURS = {
    CaseStatus.DRAFT: "secondary",
    CaseStatus.SUBMITTED: "info",
    CaseStatus.ACCEPTED: "primary",
    CaseStatus.RETURNED: "warning",
    CaseStatus.REVIEWED: "primary",
    CaseStatus.APPROVED: "success",
    CaseStatus.PUBLICIZED: "success",
    CaseStatus.PAID: "dark",
    CaseStatus.REJECTED: "danger",
    CaseStatus.REFUSED: "danger",
    CaseStatus.WITHDRAWN: "secondary",
    CaseStatus.LAPSED: "secondary",
}
TIMELINE_LABELS = {
    "create": _("Created"),
    "supplement": _("Missing material supplied"),
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")


@register.filter
def status_label(status: str) -> str:
    try:
        return CaseStatus(status).label
    except ValueError:
        return status


@register.filter
def action_label(code: str) -> str:
    if code in ACTIONS:
        return ACTIONS[code].label
    return TIMELINE_LABELS.get(code, code)


@register.filter
def reason_label(code: str) -> str:
    return SKIP_REASONS.get(code, code)
