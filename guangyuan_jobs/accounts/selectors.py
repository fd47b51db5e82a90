"""Row scoping: the one helper every list, detail, dashboard and export applies (openIMIS-style)."""

from django.db.models import Q, QuerySet

from guangyuan_jobs.accounts.models import User

CITY_CODE = "510800"


def region_scope_q(user: User, *, region_field: str = "region") -> Q | None:
    """A filter for the staff member's area; None means no restriction (whole city)."""
    if user.scope == User.Scope.WHOLE_CITY:
        return None
    if user.scope == User.Scope.CITY_LEVEL:
        # 市本级: cases handled by the city itself, registered on the city code.
        return Q(**{f"{region_field}_id": CITY_CODE})
    if user.scope == User.Scope.DISTRICT and user.scope_region_id:
        # A district sees its own code and the towns and villages below it (codes share its prefix).
        return Q(**{f"{region_field}_id__startswith": user.scope_region_id[:6]})
    return Q(pk__in=[])


def scope_queryset(
    queryset: QuerySet,
    *,
    user: User,
    region_field: str = "region",
    person_field: str | None = None,
    enterprise_field: str | None = None,
) -> QuerySet:
    """What `user` may see of `queryset`: applicants their own rows, staff the rows of their area."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_applicant:
        own = Q(pk__in=[])
        if person_field and user.person_id:
            own |= Q(**{f"{person_field}_id": user.person_id})
        if enterprise_field and user.enterprise_id:
            own |= Q(**{f"{enterprise_field}_id": user.enterprise_id})
        return queryset.filter(own)
    area = region_scope_q(user, region_field=region_field)
    return queryset if area is None else queryset.filter(area)
