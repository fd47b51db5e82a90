"""Filters of the findings and recoveries lists, and the verifier's and finance's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.casework.kinds import kind_choices
from guangyuan_jobs.registry.models import Region
from integrity.models import Finding, Recovery, RecoveryReceipt, RiskRule, Severity


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget, so `form.as_div` looks like the rest of the portal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _regions():
    return [("", _("All districts")), *Region.objects.filter(parent_id=CITY_CODE).values_list("code", "name"),
            (CITY_CODE, _("City level (市本级)"))]


class FindingFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Finding.Status.choices])
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("All severities")), *Severity.choices])
    region = forms.ChoiceField(label=_("District"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All rules")), *RiskRule.objects.values_list("code", "name")]
        self.fields["region"].choices = _regions()
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]


class RecoveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Recovery.Status.choices])
    method = forms.ChoiceField(label=_("Method"), required=False,
                               choices=[("", _("All methods")), *Recovery.Method.choices])
    region = forms.ChoiceField(label=_("District"), required=False)
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _regions()


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("verify", _("Verified: the suspicion holds")),
                                                               ("dismiss", _("Dismissed: it does not hold"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    amount = forms.DecimalField(label=_("Amount to recover (paid cases; empty: all that was paid)"), required=False,
                                max_digits=14, decimal_places=2, min_value=0)


class ReceiptForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=RecoveryReceipt.Kind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Receipt number"), required=False, max_length=64)
    offset_case_ref = forms.CharField(label=_("Later case withheld from"), required=False, max_length=32)


class ImportUploadForm(BootstrapForm):
    source = forms.ChoiceField(label=_("Kind of file"))
    file_date = forms.DateField(label=_("Date of the file"), widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("The day the department produced the data."))
    file = forms.FileField(label=_("File (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        from integrity.sources import source_choices

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()


class ImportFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Kind of file"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from integrity.models import SourceImport
        from integrity.sources import source_choices

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("All kinds of file")), *source_choices()]
        self.fields["status"].choices = [("", _("All statuses")), *SourceImport.Status.choices]


class RuleForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    kinds = forms.MultipleChoiceField(label=_("Case kinds (none: every kind)"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kind_choices()


class PlanForm(BootstrapForm):
    method = forms.ChoiceField(label=_("Method"), choices=Recovery.Method.choices)
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=120)
    first_due = forms.DateField(label=_("First instalment due"), widget=forms.DateInput(attrs={"type": "date"}))
