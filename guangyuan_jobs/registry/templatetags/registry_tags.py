"""Template filters for registry pages: masking happens on the server, never in the browser."""

import datetime

from django import template
from django.utils import timezone

from guangyuan_jobs.core.identifiers import age_on
from guangyuan_jobs.core.masking import mask_phone

register = template.Library()


@register.filter(name="mask_phone")
def mask_phone_filter(value: str) -> str:
    return mask_phone(value)


@register.filter
def age(birth_date: datetime.date | None) -> int | None:
    """Age in whole years: shown instead of the birth date, which would unmask the ID number's middle."""
    if not birth_date:
        return None
    return age_on(birth_date, timezone.localdate())


@register.filter
def lookup(mapping: dict, key: str):
    """`{{ revealed|lookup:field }}`: a dict entry by a variable key."""
    return mapping.get(key) if mapping else None
