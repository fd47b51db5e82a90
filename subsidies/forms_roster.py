"""Forms of the roster import and of the firm's confirmation of its refund."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subsidies.models import RosterImport
from subsidies.services.roster import OUTCOME_LABELS


class RosterUploadForm(forms.Form):
    premium_year = forms.IntegerField(label=_("Premium year"), help_text=_("The year the premiums were paid in."))
    file = forms.FileField(label=_("Roster (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premium_year"].initial = timezone.localdate().year - 1


class RosterFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *RosterImport.Status.choices])
    premium_year = forms.IntegerField(label=_("Premium year"), required=False, min_value=2000, max_value=2100)


class PreviewFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Result"), required=False,
                                choices=[("", _("All results")), *OUTCOME_LABELS.items()])


class RefundConfirmForm(forms.Form):
    bank_name = forms.CharField(label=_("Bank"), max_length=64)
    account_name = forms.CharField(label=_("Account name"), max_length=128)
    account = forms.CharField(label=_("Account number"), max_length=40)
    confirm = forms.BooleanField(
        label=_("We confirm the amount, that the figures are true, and that the refund will be used for staff "
                "living allowances, social insurance, job-transfer training or skill upgrading."))
