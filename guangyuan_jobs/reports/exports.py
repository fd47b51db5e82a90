"""The reports this app declares: the case register (案件台账), read straight from casework's Case table."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.casework.kinds import kind_choices
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.crypto import decrypt_value
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.reports.registry import (
    DATE,
    ID_NUMBER,
    MONEY,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)
from guangyuan_jobs.reports.selectors import case_register_queryset


class DateInput(forms.DateInput):
    input_type = "date"


class CaseRegisterFilterForm(ReportFilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.none(),
                                    to_field_name="code", empty_label=_("All regions I may see"))
    date_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Submitted to"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]
        self.fields["status"].choices = [("", _("All statuses")),
                                         *[c for c in CaseStatus.choices if c[0] != CaseStatus.DRAFT]]
        self.fields["region"].queryset = Region.objects.filter(Q(code=CITY_CODE) | Q(parent_id=CITY_CODE))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."), code="date_range")
        return cleaned


def kind_labels() -> dict:
    return dict(kind_choices())


def status_labels() -> dict:
    return dict(CaseStatus.choices)


def yes_no_labels() -> dict:
    return {True: _("Yes"), False: _("No")}


def _applicant_name(person_name, enterprise_name):
    return person_name or enterprise_name


case_register = register_report(ReportDefinition(
    code="case_register",
    label=_("Case register"),
    description=_("Every case you may see, one row each: applicant, status, dates and amounts."),
    permission="casework.view_case",
    filter_form=CaseRegisterFilterForm,
    queryset=lambda user, filters: case_register_queryset(user=user, filters=filters),
    columns=(
        Column(_("Reference"), "ref", width=20),
        Column(_("Kind"), "kind", width=24, labels=kind_labels),
        Column(_("Applicant"), _applicant_name, width=24,
               needs=("applicant_person__name", "applicant_enterprise__name")),
        Column(_("ID number"), "applicant_person__id_number_masked", kind=ID_NUMBER, width=21,
               full_source="applicant_person__id_number_encrypted", reveal=decrypt_value),
        Column(_("Unified social credit code"), "applicant_enterprise__credit_code", width=21),
        Column(_("Region"), "region__name", width=12),
        Column(_("Status"), "status", width=12, labels=status_labels),
        Column(_("Submitted on"), "submitted_on", kind=DATE, width=12),
        Column(_("Accepted on"), "accepted_on", kind=DATE, width=12),
        Column(_("Decided on"), "decided_on", kind=DATE, width=12),
        Column(_("Paid on"), "paid_on", kind=DATE, width=12),
        Column(_("Requested amount (yuan)"), "requested_amount", kind=MONEY, width=14),
        Column(_("Approved amount (yuan)"), "approved_amount", kind=MONEY, width=14),
        Column(_("Due date"), "due_date", kind=DATE, width=12),
        Column(_("Overdue"), "overdue", width=8, labels=yes_no_labels),
    ),
))
