from django import template

from guangyuan_jobs.notices import selectors
from guangyuan_jobs.notices.models import NoticeKind
from guangyuan_jobs.notices.services.notices import notice_kinds_available

register = template.Library()


@register.simple_tag
def case_next_step(case, user):
    return selectors.case_next_step(case=case, user=user)


@register.simple_tag
def case_notices(case, user):
    return selectors.case_notices(user=user, case=case)


@register.simple_tag
def case_notice_kinds(case):
    """(value, label) of the notices the case's moves call for."""
    return [(kind, NoticeKind(kind).label) for kind in notice_kinds_available(case)]


@register.simple_tag
def inbox_unread(user):
    return selectors.inbox_unread_count(user=user)
