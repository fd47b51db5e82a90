"""The data of each kind of claim, as one form per kind: the service validates every claim with it (page and
API alike), the page renders it, and the API's schema is generated from it (serializers_claims.py)."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.registry.selectors import region_choices
from subsidies.models import (
    JobExpansionSubsidyDetail,
    SkillUpgradeDetail,
    SocialInsuranceSubsidyDetail,
    UnemploymentSubsidyDetail,
)

MONTHS_MAX = 600  # fifty years of contributions: anything above is a typing error
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnechoedInput(forms.TextInput):
    """A full ID number typed in is not sent back with the page when the form has to be shown again."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget; a field's error marks it invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


class ClaimForm(BootstrapForm):
    """A kind's claim data. `detail_values()` are the detail row's columns (the applicant and the case are
    set by the service)."""

    def detail_values(self) -> dict:
        return dict(self.cleaned_data)


class StablePostRefundForm(ClaimForm):
    premium_year = forms.IntegerField(label=_("Premium year"), min_value=2000,
                                      help_text=_("The calendar year whose premiums are refunded (the prior year)."))
    size_class = forms.ChoiceField(label=_("Size class"), choices=[("large", _("Large")),
                                                                     ("sme", _("Small, medium or micro"))])
    average_insured_staff = forms.IntegerField(label=_("Average insured staff in that year"), min_value=0,
                                               max_value=10_000_000)
    new_ui_claimants = forms.IntegerField(label=_("New UI claimants among the staff in that year"), min_value=0,
                                          max_value=10_000_000)
    prior_year_premiums = forms.DecimalField(label=_("UI premiums paid in that year (firm and staff), yuan"),
                                             min_value=0, max_digits=14, decimal_places=2)
    contribution_months = forms.IntegerField(label=_("Months of full UI contributions"), min_value=0,
                                             max_value=MONTHS_MAX)

    def clean_premium_year(self):
        year = self.cleaned_data["premium_year"]
        if year >= timezone.localdate().year:
            raise ValidationError(_("Only a past year's premiums are refunded."), code="year")
        return year


class UnemploymentSubsidyForm(ClaimForm):
    category = forms.ChoiceField(label=_("Situation"), choices=UnemploymentSubsidyDetail.Category.choices)
    unemployed_since = forms.DateField(label=_("Unemployed since"), widget=DateInput, validators=[_not_future],
                                       help_text=_("The day after your job or your UI benefit ended."))
    insured_months = forms.IntegerField(label=_("Months insured"), min_value=0, max_value=MONTHS_MAX)


class SkillUpgradeForm(ClaimForm):
    occupation_code = forms.CharField(label=_("Occupation code"), max_length=16,
                                      help_text=_("As printed on the certificate, e.g. 4-01-02-01."))
    occupation_name = forms.CharField(label=_("Occupation"), max_length=64)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=SkillUpgradeDetail.Level.choices)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40)
    issued_on = forms.DateField(label=_("Issue date printed on the certificate"), widget=DateInput,
                                validators=[_not_future])
    ui_contribution_months = forms.IntegerField(label=_("Months of UI contributions"), min_value=0,
                                                max_value=MONTHS_MAX)

    def clean_occupation_code(self):
        code = self.cleaned_data["occupation_code"].strip()
        if not CODE_PATTERN.match(code):
            raise ValidationError(_("Use the code as printed: digits, letters, dots and hyphens."), code="code")
        return code

    def clean_certificate_no(self):
        number = "".join(self.cleaned_data["certificate_no"].split()).upper()
        if not CODE_PATTERN.match(number):
            raise ValidationError(_("Use the number as printed: digits, letters, dots and hyphens."), code="code")
        return number


class HiringSubsidyForm(ClaimForm):
    hired_id_number = forms.CharField(label=_("ID number of the person hired"), max_length=18, widget=UnechoedInput)
    hired_name = forms.CharField(label=_("Name of the person hired"), max_length=64)
    hired_on = forms.DateField(label=_("Hired on"), widget=DateInput, validators=[_not_future])
    contract_months = forms.IntegerField(label=_("Length of the labour contract, months"), min_value=1,
                                         max_value=MONTHS_MAX)

    def __init__(self, *args, keep_hired_person: bool = False, **kwargs):
        """`keep_hired_person`: an update that leaves the person hired as they are (the ID number is never
        sent back to the browser, so it is not asked for again)."""
        super().__init__(*args, **kwargs)
        if keep_hired_person:
            self.fields["hired_id_number"].required = False
            self.fields["hired_name"].required = False

    def clean_hired_id_number(self):
        value = self.cleaned_data["hired_id_number"].strip().upper()
        return parse_resident_id(value).number if value else ""

    def clean(self):
        data = super().clean()
        if bool(data.get("hired_id_number")) != bool((data.get("hired_name") or "").strip()):
            raise ValidationError(_("Give both the ID number and the name of the person hired."), code="hired")
        return data

    def detail_values(self) -> dict:
        return {"hired_on": self.cleaned_data["hired_on"], "contract_months": self.cleaned_data["contract_months"]}


class JobExpansionSubsidyForm(HiringSubsidyForm):
    """一次性扩岗补助: the person hired as for the hiring subsidy, who they are, and the months insured."""

    contract_months = None  # a labour contract is required (its copy is a material), not of a set length
    category = forms.ChoiceField(label=_("The person hired is"), choices=JobExpansionSubsidyDetail.Category.choices)
    left_school_on = forms.DateField(label=_("Left school on"), widget=DateInput, required=False,
                                     validators=[_not_future], help_text=_("For a graduate: the graduation date."))
    insured_months = forms.IntegerField(
        label=_("Months of unemployment, work-injury and pension insurance paid for them"), min_value=0,
        max_value=MONTHS_MAX)

    def clean(self):
        data = super().clean()
        if data.get("category") == JobExpansionSubsidyDetail.Category.GRADUATE and not data.get("left_school_on"):
            self.add_error("left_school_on", ValidationError(_("Give the date the graduate left school."),
                                                             code="required"))
        return data

    def detail_values(self) -> dict:
        data = self.cleaned_data
        graduate = data["category"] == JobExpansionSubsidyDetail.Category.GRADUATE
        return {"hired_on": data["hired_on"], "category": data["category"],
                "left_school_on": data.get("left_school_on") if graduate else None,
                "insured_months": data["insured_months"]}


class SocialInsuranceSubsidyForm(ClaimForm):
    category = forms.ChoiceField(label=_("Category"), choices=SocialInsuranceSubsidyDetail.Category.choices)
    period_start = forms.DateField(label=_("First month subsidised"), widget=DateInput,
                                   help_text=_("Any day of the month; the month is what counts."))
    months = forms.IntegerField(label=_("Months claimed"), min_value=1, max_value=MONTHS_MAX)
    monthly_contribution = forms.DecimalField(label=_("Contribution subsidised each month, yuan"),
                                              min_value=Decimal("0.01"), max_digits=10, decimal_places=2)

    def clean_period_start(self):
        return self.cleaned_data["period_start"].replace(day=1)

    def detail_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "period_start"}


class StartupSubsidyForm(ClaimForm):
    business_name = forms.CharField(label=_("Business name"), max_length=128)
    business_credit_code = forms.CharField(label=_("Unified social credit code of the business"), max_length=18)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput, validators=[_not_future])

    def clean_business_credit_code(self):
        return parse_credit_code(self.cleaned_data["business_credit_code"].strip().upper()).code


CLAIM_FORMS: dict[str, type[ClaimForm]] = {
    "WGFH": StablePostRefundForm,
    "SYBZJ": UnemploymentSubsidyForm,
    "JNTS": SkillUpgradeForm,
    "XNJY": HiringSubsidyForm,
    "KGBZ": JobExpansionSubsidyForm,
    "SBBT": SocialInsuranceSubsidyForm,
    "CYBT": StartupSubsidyForm,
}


class WalkInPersonForm(BootstrapForm):
    """A counter clerk files for a walk-in applicant, found by their ID number."""

    applicant_id_number = forms.CharField(label=_("Applicant's ID number"), max_length=18, widget=UnechoedInput)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=64)
    applicant_region = forms.ChoiceField(label=_("District"), required=False,
                                         help_text=_("Needed only for a person not yet registered."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_region"].choices = [("", "—"), *region_choices()]

    def clean_applicant_id_number(self):
        return parse_resident_id(self.cleaned_data["applicant_id_number"].strip().upper()).number


class WalkInEnterpriseForm(BootstrapForm):
    applicant_credit_code = forms.CharField(label=_("Enterprise's unified social credit code"), max_length=18)
    applicant_name = forms.CharField(label=_("Enterprise's name"), max_length=128)

    def clean_applicant_credit_code(self):
        return parse_credit_code(self.cleaned_data["applicant_credit_code"].strip().upper()).code


class ReviewerAmountForm(BootstrapForm):
    amount = forms.DecimalField(label=_("Amount, yuan"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("Reason for the amount"), min_length=2, max_length=200)


class InstalmentStopForm(BootstrapForm):
    stopped_on = forms.DateField(label=_("No longer entitled from"), widget=DateInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=UnemploymentSubsidyDetail.StopReason.choices)


class ClaimFilterForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, kinds, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
