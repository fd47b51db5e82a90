"""Browser forms of the entrepreneurship app. They type the input for the page; the services decide."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurship import rules
from entrepreneurship.models import LoanStatus, LoanType
from entrepreneurship.selectors import bank_choices
from guangyuan_jobs.registry.models import Region

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT_INPUT = {"class": "form-control"}


class LoanApplicationForm(forms.Form):
    group_code = forms.ChoiceField(label=_("Eligible group"), required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**TEXT_INPUT, "step": "0.01"}))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120,
                                     widget=forms.NumberInput(attrs=TEXT_INPUT))
    bank = forms.ChoiceField(label=_("Cooperating bank"), widget=forms.Select(attrs={"class": "form-select"}))
    business_name = forms.CharField(label=_("Business name"), max_length=128, widget=forms.TextInput(attrs=TEXT_INPUT))
    business_started_on = forms.DateField(label=_("Business registered on"), widget=DATE_INPUT)
    online_merchant = forms.BooleanField(label=_("Online shop"), required=False)
    purpose = forms.CharField(label=_("Purpose of the loan"), max_length=300,
                              widget=forms.Textarea(attrs={**TEXT_INPUT, "rows": 2}))
    partners = forms.IntegerField(label=_("Partners"), required=False, min_value=2, max_value=50,
                                  widget=forms.NumberInput(attrs=TEXT_INPUT))
    current_staff = forms.IntegerField(label=_("Current staff"), required=False, min_value=1,
                                       widget=forms.NumberInput(attrs=TEXT_INPUT))
    new_hires = forms.IntegerField(label=_("Eligible people hired this year"), required=False, min_value=0,
                                   widget=forms.NumberInput(attrs=TEXT_INPUT))
    earlier_loans = forms.IntegerField(label=_("Guaranteed loans taken before, at other institutions"),
                                       required=False, min_value=0, max_value=20,
                                       widget=forms.NumberInput(attrs=TEXT_INPUT))
    earlier_overdue = forms.BooleanField(label=_("An earlier guaranteed loan was overdue"), required=False)
    guarantor_name = forms.CharField(label=_("Guarantor's name"), required=False, max_length=64,
                                     widget=forms.TextInput(attrs=TEXT_INPUT))
    guarantor_id_number = forms.CharField(label=_("Guarantor's ID number"), required=False, max_length=18,
                                          widget=forms.TextInput(attrs={**TEXT_INPUT, "autocomplete": "off"}))
    recommended_by_incubator = forms.BooleanField(label=_("Recommended by an incubation base or credit village"),
                                                  required=False)
    honoured = forms.BooleanField(label=_("Holds a city-level or higher honour"), required=False)
    credit_rated = forms.BooleanField(label=_("Credit-rated firm, merchant or farmer"), required=False)

    def __init__(self, *args, loan_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.loan_type = loan_type
        self.fields["group_code"].choices = [("", "—")] + [(c, str(label)) for c, label in rules.GROUP_LABELS.items()]
        self.fields["bank"].choices = [("", "—")] + [(b.code, b.name) for b in bank_choices()]
        if loan_type == rules.ENTERPRISE:
            for name in ("group_code", "partners", "online_merchant"):
                del self.fields[name]
            self.fields["current_staff"].required = self.fields["new_hires"].required = True
        else:
            self.fields["group_code"].required = True
            del self.fields["current_staff"], self.fields["new_hires"]
            if loan_type == rules.PARTNERSHIP:
                self.fields["partners"].required = True
            else:
                del self.fields["partners"]

    def service_data(self) -> dict:
        return {name: ("" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value))
                for name, value in self.cleaned_data.items()}


class LoanFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference, borrower or contract"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    loan_type = forms.ChoiceField(label=_("Loan type"), required=False)
    bank = forms.ChoiceField(label=_("Bank"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(LoanStatus.choices)
        self.fields["loan_type"].choices = [("", _("All"))] + list(LoanType.choices)
        self.fields["bank"].choices = [("", _("All"))] + [(b.code, b.name) for b in bank_choices()]
        self.fields["region"].choices = [("", _("All"))] + list(
            Region.objects.filter(parent_id="510800").order_by("code").values_list("code", "name"))


def _quarter_choices():
    return [(q, _("Q%(n)d") % {"n": q}) for q in (1, 2, 3, 4)]


class SubsidyUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2019, widget=forms.NumberInput(attrs=TEXT_INPUT))
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=_quarter_choices,
                                     widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("Interest file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        self.fields["year"].initial = last.year
        self.fields["quarter"].initial = (last.month - 1) // 3 + 1


class LoanActionForm(forms.Form):
    """Every field any action may need; the service reads the ones its action takes and checks them."""

    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(required=False, max_length=2000)


ACTION_FIELDS = {
    "disburse": (("contract_no", _("Contract number"), "text"), ("contract_date", _("Contract date"), "date"),
                 ("disbursed_on", _("Disbursed on"), "date"), ("principal", _("Principal (yuan)"), "number"),
                 ("annual_rate", _("Annual rate (%)"), "number"), ("term_months", _("Term (months)"), "number"),
                 ("credit_line", _("Collective credit line code (if drawn on one)"), "text")),
    "repay": (("paid_on", _("Paid on"), "date"), ("principal", _("Principal repaid (yuan)"), "number"),
              ("interest", _("Interest paid (yuan)"), "number"),
              ("bank_reference", _("Bank transaction number"), "text")),
    "mark_overdue": (("since", _("Overdue from"), "date"),),
    "cure": (("cured_on", _("Cured on"), "date"),),
    "extend": (("extended_to", _("New maturity"), "date"),
               ("epidemic", _("Granted under the 2020 epidemic policy (the subsidy continues)"), "checkbox"),
               ("granted_on", _("Granted on (empty: today)"), "date")),
    "payout": (("amount", _("Payout (yuan)"), "number"), ("paid_on", _("Paid out on"), "date")),
    "recover": (("amount", _("Recovered (yuan)"), "number"), ("recovered_on", _("Recovered on"), "date"),
                ("note", _("Note"), "text")),
}


class CreditLineForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, widget=forms.TextInput(attrs=TEXT_INPUT))
    name = forms.CharField(label=_("Name"), max_length=128, widget=forms.TextInput(attrs=TEXT_INPUT))
    holder = forms.ChoiceField(label=_("Holder"), widget=forms.Select(attrs={"class": "form-select"}))
    region = forms.ChoiceField(label=_("District"), widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.DecimalField(label=_("Line amount (yuan)"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**TEXT_INPUT, "step": "0.01"}))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        from entrepreneurship.models import CreditLineHolder

        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = CreditLineHolder.choices
        self.fields["region"].choices = list(
            Region.objects.filter(parent_id="510800").order_by("code").values_list("code", "name"))

    def service_data(self) -> dict:
        return {name: value.isoformat() if isinstance(value, datetime.date) else str(value)
                for name, value in self.cleaned_data.items()}


class WalkInApplicantForm(forms.Form):
    """The walk-in borrower a counter clerk files for: found in the registry by ID number or credit code."""

    id_number = forms.CharField(label=_("Applicant's ID number"), required=False, max_length=18,
                                widget=forms.TextInput(attrs={**TEXT_INPUT, "autocomplete": "off"}))
    credit_code = forms.CharField(label=_("Enterprise's unified social credit code"), required=False, max_length=18,
                                  widget=forms.TextInput(attrs={**TEXT_INPUT, "autocomplete": "off"}))
    name = forms.CharField(label=_("Name as on the document"), required=False, max_length=128,
                           widget=forms.TextInput(attrs=TEXT_INPUT))
    region = forms.ChoiceField(label=_("District handling the application"), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, loan_type: str, **kwargs):
        super().__init__(*args, prefix="applicant", **kwargs)
        if loan_type == rules.ENTERPRISE:
            del self.fields["id_number"]
            self.fields["credit_code"].required = True
        else:
            del self.fields["credit_code"]
            self.fields["id_number"].required = True
        self.fields["region"].choices = [("", _("The applicant's own"))] + list(
            Region.objects.filter(parent_id="510800").order_by("code").values_list("code", "name"))


class CityFigureForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2009, widget=forms.NumberInput(attrs=TEXT_INPUT))
    city = forms.CharField(label=_("City"), max_length=32, widget=forms.TextInput(attrs=TEXT_INPUT))
    loans = forms.IntegerField(label=_("Loans"), min_value=0, widget=forms.NumberInput(attrs=TEXT_INPUT))
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={**TEXT_INPUT, "step": "0.01"}))
    source = forms.CharField(label=_("Source"), max_length=300, widget=forms.TextInput(attrs=TEXT_INPUT))

    def service_data(self) -> dict:
        return {name: str(value) for name, value in self.cleaned_data.items()}
