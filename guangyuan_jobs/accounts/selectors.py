"""Row scoping: the one helper every list, detail, dashboard and export applies (openIMIS-style); and the reads
of the security pages."""

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.roles import role_by_code

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
        return Q(**{f"{region_field}__pk__startswith": user.scope_region_id[:6]})
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


@dataclass(frozen=True)
class LockoutRow:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime
    locked_until: datetime | None  # None: below the limit or cooled off


def lockout_list(*, username: str = "", locked_only: bool = False) -> list[LockoutRow]:
    """Failed sign-ins per user name and IP, as django-axes counts them (user agents summed), newest first."""
    rows = AccessAttempt.objects.all()
    if username:
        rows = rows.filter(username__icontains=username)
    grouped = (rows.values("username", "ip_address")
               .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
               .order_by("-last_attempt", "username"))
    cool_off = get_cool_off()
    now = timezone.now()
    result = []
    for row in grouped:
        locked_until = None
        if row["failures"] >= settings.AXES_FAILURE_LIMIT:
            locked_until = row["last_attempt"] + cool_off if cool_off else now
            if cool_off and locked_until <= now:
                locked_until = None
        if locked_only and locked_until is None:
            continue
        result.append(LockoutRow(username=row["username"] or "", ip_address=row["ip_address"],
                                 failures=row["failures"], last_attempt=row["last_attempt"],
                                 locked_until=locked_until))
    return result


def staff_security_list(*, search: str = "") -> QuerySet[User]:
    """Staff accounts with whether they have a confirmed authenticator, for the security administrator."""
    qs = (User.objects.filter(Q(kind=User.Kind.STAFF) | Q(is_staff=True) | Q(is_superuser=True))
          .annotate(has_otp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
          .select_related("scope_region").order_by("username"))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return qs


def user_role_labels(user: User) -> list[str]:
    return [str(role.label) if (role := role_by_code(name)) else name
            for name in user.groups.order_by("name").values_list("name", flat=True)]
