"""Reads of the registry, scoped to what the user may see (accounts.selectors.scope_queryset)."""

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.registry.models import Enterprise, EnterpriseSizeClass, Person, Region


def person_list_for(*, user, name: str = "", id_last4: str = "", region: str = "") -> QuerySet[Person]:
    """People the user may see. `id_last4` matches the visible end of the masked ID number; `region` a
    district takes in the towns and villages below it (their codes start with its code)."""
    qs = scope_queryset(Person.objects.select_related("region"), user=user, region_field="region")
    if name:
        qs = qs.filter(name__icontains=name)
    if id_last4:
        qs = qs.filter(id_number_masked__endswith=id_last4.upper())
    if region:
        qs = qs.filter(region__pk__startswith=region)
    return qs.order_by("-id")


def person_get_for(*, user, pk: int) -> Person | None:
    return person_list_for(user=user).filter(pk=pk).first()


def _size_class_on(on: datetime.date) -> Subquery:
    return Subquery(
        EnterpriseSizeClass.objects.filter(enterprise=OuterRef("pk"), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from").values("size_class")[:1]
    )


def enterprise_list_for(*, user, name: str = "", credit_code: str = "", region: str = "",
                        size_class: str = "") -> QuerySet[Enterprise]:
    """Enterprises the user may see, each annotated with `current_size_class` (today's)."""
    qs = scope_queryset(Enterprise.objects.select_related("region"), user=user, region_field="region")
    qs = qs.annotate(current_size_class=_size_class_on(timezone.localdate()))
    if name:
        qs = qs.filter(name__icontains=name)
    if credit_code:
        qs = qs.filter(credit_code__icontains=credit_code.strip().upper())
    if region:
        qs = qs.filter(region__pk__startswith=region)
    if size_class:
        qs = qs.filter(current_size_class=size_class)
    return qs.order_by("-id")


def enterprise_get_for(*, user, pk: int) -> Enterprise | None:
    return enterprise_list_for(user=user).filter(pk=pk).first()


def enterprise_size_class_on(enterprise: Enterprise, on: datetime.date) -> EnterpriseSizeClass | None:
    """The size-class period in force on `on` (its `size_class`, `source` and dates), or None if unknown."""
    return (enterprise.size_classes.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from").first())


def enterprise_size_class_history(enterprise: Enterprise) -> QuerySet[EnterpriseSizeClass]:
    return enterprise.size_classes.order_by("-valid_from")


CITY_PREFIX = CITY_CODE[:4]  # GB/T 2260: every region inside Guangyuan has a code 5108xx


def city_regions() -> QuerySet[Region]:
    """Guangyuan itself and every region inside it."""
    return Region.objects.filter(code__startswith=CITY_PREFIX)


def in_city(code: str) -> bool:
    """Whether the region of `code` is Guangyuan or inside it (no query)."""
    return str(code).startswith(CITY_PREFIX)


def city_region_names() -> dict[str, str]:
    return dict(city_regions().values_list("code", "name"))


def region_choices() -> list[tuple[str, str]]:
    """Guangyuan and its districts and counties, for filter boxes."""
    return [(r.code, r.name) for r in Region.objects.filter(Q(code=CITY_CODE) | Q(parent_id=CITY_CODE))
            .order_by("code")]
