"""Forms of the payment-batch pages: filters, a new batch, a move of a batch, the bank's return file."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.registry.models import Region
from subsidies.models import PaymentBatch, PaymentBatchItem
from subsidies.services.payments import ACTION_SOURCES, RETURN_LIMITS, kinds_of_fund


class DateInput(forms.DateInput):
    input_type = "date"


def _small_controls(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class BatchFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *PaymentBatch.Status.choices])
    fund_source = forms.ChoiceField(label=_("Fund source"), required=False,
                                    choices=[("", _("All funds")), *PaymentBatch.FundSource.choices])
    date_from = forms.DateField(label=_("Built from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Built to"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small_controls(self)

    def filters(self) -> dict:
        """The valid filters, empty ones left out (invalid input filters nothing rather than erring)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", _("All results")), *PaymentBatchItem.Status.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small_controls(self)


CITY_LEVEL_LABEL = _("City level (市本级)")


def region_choices_for(user) -> list[tuple[str, str]]:
    """The areas a finance user may build a batch for: their own area and the districts in it."""
    regions = Region.objects.filter(Q(pk=CITY_CODE) | Q(parent_id=CITY_CODE)).order_by("code")
    if user.scope == User.Scope.CITY_LEVEL:
        regions = regions.filter(pk=CITY_CODE)
    elif user.scope == User.Scope.DISTRICT:
        regions = regions.filter(pk__startswith=(user.scope_region_id or "")[:6])
    elif user.scope != User.Scope.WHOLE_CITY:
        regions = regions.none()
    whole = [("", _("My whole area"))] if user.scope == User.Scope.WHOLE_CITY else []
    return whole + [(r.code, CITY_LEVEL_LABEL if r.code == CITY_CODE else r.name) for r in regions]


class BatchCreateForm(forms.Form):
    fund_source = forms.ChoiceField(label=_("Fund source"), choices=PaymentBatch.FundSource.choices)
    kinds = forms.MultipleChoiceField(label=_("Kinds (none ticked: every kind of this fund)"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    region = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [
            (code, f"{get_kind(code).label} · {PaymentBatch.FundSource(fund).label}")
            for fund in PaymentBatch.FundSource.values for code in kinds_of_fund(fund)
        ]
        choices = region_choices_for(user)
        self.fields["region"].choices = choices
        if choices and choices[0][0]:
            self.fields["region"].required = True


class BatchActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(code, code) for code in ACTION_SOURCES if code != "reconcile"])
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class ReturnFileForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    file = forms.FileField(label=_("The bank's return file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > RETURN_LIMITS.byte_limit():
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."), code="too_large")
        return upload
