"""`{{ value|figure:unit }}`: a dashboard figure as managers read it, grouped by thousands whatever the language
(money with fen, rates with two places, counts whole)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == "yuan":
        return f"{value:,.2f}"
    if unit == "percent":
        return f"{value:.2f}"
    return f"{value:,.0f}"
