from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.models import AuditEvent


class DateInput(forms.DateInput):
    input_type = "date"


class AuditEventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), max_length=150, required=False)
    event_type = forms.CharField(label=_("Event type"), max_length=64, required=False,
                                 help_text=_("A prefix such as casework. finds every case event."))
    object_type = forms.CharField(label=_("Object type"), max_length=64, required=False)
    object_id = forms.CharField(label=_("Object"), max_length=64, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Any outcome")), *AuditEvent.Outcome.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."), code="date_range")
        return cleaned
