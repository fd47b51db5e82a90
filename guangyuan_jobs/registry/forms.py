from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.identifiers import parse_resident_id
from guangyuan_jobs.registry.models import EnterpriseSizeClass
from guangyuan_jobs.registry.selectors import region_choices


class DateInput(forms.DateInput):
    input_type = "date"


def _region_field():
    return forms.ChoiceField(label=_("Region"), required=False,
                             choices=lambda: [("", _("All regions")), *region_choices()])


class PersonFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    id_last4 = forms.RegexField(
        label=_("Last 4 of ID number"), regex=r"^[0-9Xx]{4}$", required=False,
        error_messages={"invalid": _("Enter the last 4 characters of the ID number (digits or X).")},
    )
    region = _region_field()


class PersonLookupForm(forms.Form):
    """Exact lookup by the full ID number, through its keyed hash: the number itself is never stored in clear."""

    id_number = forms.CharField(label=_("Full ID number"), max_length=22)

    def clean_id_number(self) -> str:
        return parse_resident_id(self.cleaned_data["id_number"]).number


class EnterpriseFilterForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=128, required=False)
    credit_code = forms.CharField(label=_("Credit code"), max_length=18, required=False)
    region = _region_field()
    size_class = forms.ChoiceField(label=_("Size class (today)"), required=False,
                                   choices=[("", _("All sizes")), *EnterpriseSizeClass.SizeClass.choices])


class SizeClassForm(forms.Form):
    size_class = forms.ChoiceField(label=_("Size class"), choices=EnterpriseSizeClass.SizeClass.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    source = forms.CharField(label=_("Source"), max_length=200,
                             help_text=_("For example the 2020 Sichuan social-insurance relief classification."))
