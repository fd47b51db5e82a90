"""Browser forms of the parks app. They type the input for the page; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.models import Region
from startup_parks.models import ParkKind, ParkLevel, ParkStatus

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def _districts():
    return list(Region.objects.filter(parent_id="510800").order_by("code").values_list("code", "name"))


class ParkFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, reference or operator"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *ParkKind.choices]
        self.fields["level"].choices = [("", _("All")), *ParkLevel.choices]
        self.fields["region"].choices = [("", _("All")), *_districts()]
        self.fields["status"].choices = [("", _("All")), *ParkStatus.choices]


class ParkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=ParkKind.choices, widget=forms.Select(attrs=SELECT))
    level = forms.ChoiceField(label=_("Level"), choices=ParkLevel.choices, widget=forms.Select(attrs=SELECT))
    region = forms.ChoiceField(label=_("District"), widget=forms.Select(attrs=SELECT))
    operator_credit_code = forms.CharField(label=_("Operator's unified social credit code"), max_length=18,
                                           widget=forms.TextInput(attrs=TEXT))
    area_m2 = forms.DecimalField(label=_("Area (m²)"), max_digits=12, decimal_places=2, min_value=0,
                                 widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}))
    address = forms.CharField(label=_("Address"), max_length=200, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args, by_operator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _districts()
        if by_operator:
            del self.fields["operator_credit_code"]

    def service_data(self) -> dict:
        return {k: str(v) for k, v in self.cleaned_data.items()}


class ResidentForm(forms.Form):
    credit_code = forms.CharField(label=_("Firm's unified social credit code"), max_length=18,
                                  widget=forms.TextInput(attrs=TEXT))
    moved_in_on = forms.DateField(label=_("Moved in on"), widget=DATE_INPUT)


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(label=_("Moved out on"), widget=DATE_INPUT)


class JobsForm(forms.Form):
    resident = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7,
                             widget=forms.TextInput(attrs={**TEXT, "type": "month"}))
    jobs_created = forms.IntegerField(label=_("Jobs created"), min_value=0, max_value=100_000,
                                      widget=forms.NumberInput(attrs=TEXT))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("certified", _("Certify")),
                                                               ("refused", _("Refuse"))],
                                 widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
