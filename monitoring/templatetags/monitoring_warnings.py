"""`{% enterprise_warnings enterprise user %}`: a firm's open layoff warnings, for the staff pages that decide
on its money (the stable-post refund claim, whose eligibility turns on its layoffs)."""

from django import template

from monitoring.selectors import open_warnings_of_enterprise

register = template.Library()


@register.inclusion_tag("monitoring/_enterprise_warnings.html")
def enterprise_warnings(enterprise, user):
    if enterprise is None or user is None or not user.is_authenticated or user.is_applicant:
        return {"warnings": []}
    return {"warnings": list(open_warnings_of_enterprise(enterprise.pk)[:5]),
            "may_open": user.has_perm("monitoring.view_warning")}
