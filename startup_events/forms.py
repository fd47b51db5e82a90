"""Browser forms of the events app. They type the input for the page; the services decide."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.models import Region
from startup_events.models import AwardLevel, EventStatus, EventType

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


# The city itself (市本级 events) and its districts and counties.
Q_CITY = Q(code="510800") | Q(parent_id="510800")


def district_choices():
    return list(Region.objects.filter(Q_CITY).order_by("code").values_list("code", "name"))


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Title, reference or organiser"), required=False, max_length=100)
    event_type = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [("", _("All")), *EventType.choices]
        self.fields["status"].choices = [("", _("All")), *EventStatus.choices]
        self.fields["region"].choices = [("", _("All")), *district_choices()]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("All")), *[(y, str(y)) for y in range(this_year + 1, 2018, -1)]]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    event_type = forms.ChoiceField(label=_("Type"), choices=EventType.choices, widget=forms.Select(attrs=SELECT))
    organiser = forms.CharField(label=_("Organiser"), max_length=128, widget=forms.TextInput(attrs=TEXT))
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    region = forms.ChoiceField(label=_("District"), widget=forms.Select(attrs=SELECT))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000,
                                  widget=forms.NumberInput(attrs=TEXT))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = district_choices()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["region"] = Region.objects.get(pk=data["region"])
        return data


class WalkInForm(forms.Form):
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=18,
                                widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    credit_code = forms.CharField(label=_("or unified social credit code"), required=False, max_length=18,
                                  widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    name = forms.CharField(label=_("Name"), required=False, max_length=128, widget=forms.TextInput(attrs=TEXT))
    project = forms.CharField(label=_("Project"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))


class SelfRegistrationForm(forms.Form):
    project = forms.CharField(label=_("Project (for contests)"), required=False, max_length=200,
                              widget=forms.TextInput(attrs=TEXT))


class AwardForm(forms.Form):
    level = forms.ChoiceField(label=_("Prize"), choices=AwardLevel.choices, widget=forms.Select(attrs=SELECT))
    bonus = forms.DecimalField(label=_("Bonus (yuan)"), min_value=0, max_digits=14, decimal_places=2,
                               widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}))
