"""The words of each event's message when an administrator has not set them (MessageTemplate), and how a
template is filled. Placeholders are Django template variables; values are plain strings, so a template can
print them but reach nothing else."""

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.notices.models import NotificationEvent

E = NotificationEvent

PLACEHOLDERS = ("ref", "kind", "due", "amount", "reason", "materials", "material_due")

DEFAULT_TEXTS = {
    E.SUBMIT: _("Guangyuan Employment Services: we received your claim {{ ref }}. We will tell you when it is "
                "accepted."),
    E.ACCEPT: _("Guangyuan Employment Services: your claim {{ ref }} was accepted. A decision is due by {{ due }}."),
    E.ACCEPT_INCOMPLETE: _("Guangyuan Employment Services: your claim {{ ref }} was accepted with materials "
                           "missing: {{ materials }}. Upload them online by {{ material_due }}, or the claim "
                           "lapses."),
    E.MISSING_REMINDER: _("Guangyuan Employment Services: reminder: for your claim {{ ref }}, {{ materials }} "
                          "must be uploaded by {{ material_due }}, or the claim lapses."),
    E.REJECT: _("Guangyuan Employment Services: your claim {{ ref }} was not accepted. Reason: {{ reason }}"),
    E.RETURN: _("Guangyuan Employment Services: your claim {{ ref }} was returned for correction. Reason: "
                "{{ reason }}. Correct it online and submit it again."),
    E.APPROVE: _("Guangyuan Employment Services: your claim {{ ref }} was approved for {{ amount }} yuan."),
    E.REFUSE: _("Guangyuan Employment Services: your claim {{ ref }} was refused. Reason: {{ reason }}"),
    E.PAY: _("Guangyuan Employment Services: {{ amount }} yuan for your claim {{ ref }} has been paid."),
    E.PAYMENT_FAILED: _("Guangyuan Employment Services: the payment of {{ amount }} yuan for your claim {{ ref }} "
                        "failed: {{ reason }}. Check your bank account details with the Center."),
    E.LAPSE: _("Guangyuan Employment Services: your claim {{ ref }} has lapsed because the missing materials "
               "were not supplied by {{ material_due }}."),
}

_ENGINE = Engine(autoescape=False, string_if_invalid="", libraries={}, builtins=[])


def template_check(text: str) -> None:
    """Refuses a template that does not compile or uses a tag (only {{ placeholders }} are allowed)."""
    if "{%" in text:
        raise ApplicationError(_("Only placeholders like {{ ref }} may be used, no tags."), code="template_tag")
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise ApplicationError(_("The template is not valid: %(error)s") % {"error": exc},
                               code="template_invalid") from exc


def fill(text: str, values: dict[str, str]) -> str:
    return _ENGINE.from_string(str(text)).render(Context({k: str(v) for k, v in values.items()})).strip()
