"""Template filters for policy pages: readable keys, units and values."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from guangyuan_jobs.policy import keys
from guangyuan_jobs.policy.rules import parameter_value_typed

register = template.Library()


@register.filter
def key_label(key: str) -> str:
    return keys.key_label(key)


@register.filter
def parameter_value(parameter) -> str:
    """`0.30` with unit ratio -> `0.30（30%）`; yes/no in words; other values as stored, with their unit."""
    value = parameter_value_typed(parameter.value_type, parameter.value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if parameter.unit == "ratio" and isinstance(value, Decimal):
        return f"{value}（{(value * 100).normalize():f}%）"
    unit = keys.unit_label(parameter.unit) if parameter.unit not in ("", "date") else ""
    return f"{value} {unit}".strip()
