from django import template

register = template.Library()


@register.simple_tag
def cell(values, row: str, column: str):
    return values[row][column]


@register.filter
def add_class(field, css: str):
    return field.as_widget(attrs={"class": css})
