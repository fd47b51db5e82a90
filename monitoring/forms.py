"""Forms of monitoring's pages: filters, enrolment, the monthly return, warning actions and the dashboard."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guangyuan_jobs.core.identifiers import parse_credit_code
from monitoring.models import (
    Industry,
    MonthlyReturn,
    Ownership,
    ReductionReason,
    SizeClass,
    Warning,
    WarningLevel,
)
from monitoring.selectors import dashboard_areas_for, district_choices

FIRST_YEAR = 2019


def parse_month(value: str) -> datetime.date:
    """'2026-03' (or a full date) to the month's first day."""
    value = (value or "").strip()
    try:
        if len(value) == 7:
            return datetime.date.fromisoformat(value + "-01")
        return datetime.date.fromisoformat(value).replace(day=1)
    except ValueError:
        raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-03."), code="month") from None


class MonthField(forms.Field):
    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "placeholder": "YYYY-MM", "maxlength": "10"}

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        return value if isinstance(value, datetime.date) else parse_month(value[:10])


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _year_choices():
    return [(str(y), str(y)) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class DashboardForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, empty_value=None)
    region = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["month"].choices = [("", _("Whole year")), *[(str(m), f"{m}") for m in range(1, 13)]]
        self.areas = dashboard_areas_for(user)
        self.fields["region"].choices = self.areas

    def clean_region(self):
        # An empty choice passes a ChoiceField unchecked, and here it means the whole city.
        region = self.cleaned_data.get("region") or ""
        if region not in dict(self.areas):
            raise ValidationError(_("Choose one of the areas you may see."), code="area")
        return region

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if data.get("year") == today.year and data.get("month") and data["month"] > today.month:
            self.add_error("month", _("This month has not begun yet."))
        return data


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=64)
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[("", _("All industries")),
                                                                            *Industry.choices])
    region = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All districts")), *district_choices()]


class EnrolForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name = forms.CharField(label=_("Enterprise name"), max_length=128)
    region = forms.ChoiceField(label=_("District"))
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754)"), choices=Industry.choices)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices)
    size_class = forms.ChoiceField(label=_("Size"), choices=SizeClass.choices)
    baseline_date = forms.DateField(label=_("Baseline date"), widget=forms.DateInput(attrs={"type": "date"}))
    baseline_headcount = forms.IntegerField(label=_("Baseline headcount"), min_value=1, max_value=1_000_000)
    baseline_dispatched = forms.IntegerField(label=_("Dispatched workers at baseline"), min_value=0,
                                             max_value=1_000_000, initial=0)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, required=False)
    contact_phone = forms.RegexField(label=_("Contact phone (for reminders)"), regex=r"^1\d{10}$", required=False,
                                     error_messages={"invalid": _("Enter an 11-digit mobile number.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(code, label) for code, label in dashboard_areas_for(user) if code]
        _bootstrap(self)

    def clean_credit_code(self):
        return parse_credit_code(self.cleaned_data["credit_code"]).code


class ReturnForm(forms.Form):
    period = MonthField(label=_("Month (YYYY-MM)"))
    headcount = forms.IntegerField(label=_("Headcount at the end of the month"), min_value=0, max_value=1_000_000)
    hires = forms.IntegerField(label=_("New hires"), min_value=0, max_value=1_000_000, initial=0)
    reductions_economic_layoff = forms.IntegerField(label=_("Economic layoff"), min_value=0, initial=0)
    reductions_closure = forms.IntegerField(label=_("Closure or bankruptcy"), min_value=0, initial=0)
    reductions_suspension = forms.IntegerField(label=_("Suspension for rectification"), min_value=0, initial=0)
    reductions_contract_end = forms.IntegerField(label=_("Contract ended or terminated"), min_value=0, initial=0)
    reductions_resignation = forms.IntegerField(label=_("Resignation"), min_value=0, initial=0)
    reductions_other = forms.IntegerField(label=_("Other reductions"), min_value=0, initial=0)
    reduction_reason = forms.ChoiceField(label=_("Main reason for reductions"), required=False,
                                         choices=ReductionReason.choices)
    dispatched = forms.IntegerField(label=_("Dispatched workers"), min_value=0, initial=0)
    hidden_unemployed = forms.IntegerField(label=_("Hidden unemployment (on the payroll, not working)"), min_value=0,
                                           initial=0)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    REDUCTION_FIELDS = ("reductions_economic_layoff", "reductions_closure", "reductions_suspension",
                        "reductions_contract_end", "reductions_resignation", "reductions_other")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REDUCTION_FIELDS + ("dispatched", "hidden_unemployed"):
            self.fields[name].max_value = 1_000_000
        _bootstrap(self)

    def reduction_fields(self):
        return [self[name] for name in self.REDUCTION_FIELDS]


class ReturnFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=64)
    period = MonthField(label=_("Month (YYYY-MM)"), required=False)
    check_status = forms.ChoiceField(label=_("Check"), required=False,
                                     choices=[("", _("All")), *MonthlyReturn.Check.choices])
    region = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All districts")), *district_choices()]


class LateFilterForm(forms.Form):
    period = MonthField(label=_("Month (YYYY-MM)"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All districts")), *district_choices()]


class WarningFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("unclosed", _("Not closed")), *Warning.Status.choices])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *WarningLevel.choices])
    region = forms.ChoiceField(label=_("District"), required=False)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All districts")), *district_choices()]


class WarningActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", pgettext_lazy("warning action", "Acknowledge")),
                                        ("handle", pgettext_lazy("warning action", "Mark handled")),
                                        ("close", pgettext_lazy("warning action", "Close"))])
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class ReturnConfirmForm(forms.Form):
    note = forms.CharField(label=_("How the figures were checked"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class CaseRecordsFilterForm(forms.Form):
    kind = forms.CharField(label=_("Kinds"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), ("paid", _("Paid"))])
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All districts")), *district_choices()]
