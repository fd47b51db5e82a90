"""The claims panel on casework's case page: the claim's data, why this amount, the monthly schedule, and the
caseworker's forms for them (casework includes the kind's `detail_template`, which calls this)."""

from django import template

from subsidies.forms_claims import InstalmentStopForm, ReviewerAmountForm
from subsidies.selectors_claims import claim_editable, claim_overview, claim_staff_tools
from subsidies.selectors_notices import upheld_objection_to_refuse

register = template.Library()


@register.simple_tag
def claim_panel(case, user) -> dict:
    tools = claim_staff_tools(case=case, user=user)
    return {
        "overview": claim_overview(case=case, user=user),
        "editable": claim_editable(case=case, user=user),
        "amount_form": ReviewerAmountForm() if tools["set_amount"] else None,
        "stop_form": InstalmentStopForm() if tools["stop"] else None,
    }


@register.simple_tag
def objection_to_refuse(case, user):
    """The upheld objection whose case `user` (an approver) may refuse now, for the case page."""
    return upheld_objection_to_refuse(case=case, user=user)
