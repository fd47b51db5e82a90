from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.policy.rules import calendar_lines_parse, calendar_year_check
from guangyuan_jobs.registry.forms import DateInput
from guangyuan_jobs.registry.models import Region


def _region_choices():
    regions = Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT])
    return [("", _("All regions")), ("national", _("National")),
            *[(r.code, str(r)) for r in regions.order_by("code")]]


class ParameterFilterForm(forms.Form):
    key = forms.CharField(label=_("Key contains"), max_length=100, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=_region_choices)
    on = forms.DateField(label=_("In force on"), required=False, widget=DateInput)
    confidence = forms.ChoiceField(label=_("Confidence"), required=False,
                                   choices=[("", _("Any confidence")), *PolicyParameter.Confidence.choices])


class CalendarYearForm(forms.Form):
    """A year's official schedule pasted as lines: `2027-01-01 元旦`, or a range `2027-10-01~2027-10-07 国庆节`."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Holidays (days off)"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One date or range per line, then the holiday's name: 2027-01-01 元旦 or "
                    "2027-10-01~2027-10-07 国庆节. Weekend days inside a range may be listed."),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Saturdays or Sundays that are worked, one per line: 2027-02-07 春节."),
    )
    source = forms.CharField(label=_("Source"), max_length=200,
                             help_text=_("For example: 国务院办公厅关于2027年部分节假日安排的通知"))
    replace = forms.BooleanField(label=_("Replace the year if it is already entered"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year + 1})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None:
            return cleaned
        parsed = {}
        for name in ("holidays", "workdays"):
            try:
                parsed[name] = calendar_lines_parse(cleaned.get(name, ""), year=year)
            except ValidationError as exc:
                self.add_error(name, exc)
        if len(parsed) == 2:
            calendar_year_check(parsed["holidays"], parsed["workdays"])
            cleaned.update(parsed)
        return cleaned
