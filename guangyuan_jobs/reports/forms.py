from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.registry import all_reports


class DateInput(forms.DateInput):
    input_type = "date"


class ExportListFilterForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ExportJob.Status.choices])
    date_from = forms.DateField(label=_("Requested from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Requested to"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [("", _("All reports")), *[(r.code, r.label) for r in all_reports()]]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."), code="date_range")
        return cleaned


class ExportRequestForm(forms.Form):
    """The request around a report's own filter form: which report, and whether with full values."""

    report = forms.ChoiceField(label=_("Report"))
    full_values = forms.BooleanField(label=_("Full identity numbers (not masked)"), required=False)
    reason = forms.CharField(label=_("Reason for full values"), required=False, max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. bank transfer file for batch 12")}))

    def __init__(self, *args, reports=(), may_export_full=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [(r.code, r.label) for r in reports]
        if not may_export_full:
            del self.fields["full_values"]
            del self.fields["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("full_values") and len((cleaned.get("reason") or "").strip()) < 2:
            self.add_error("reason", _("State why you need the full numbers."))
        return cleaned
