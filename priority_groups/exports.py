"""The priority-group spreadsheets, registered with `reports` (streamed in Celery, ID numbers masked unless a
full-value export, formulas neutralised): the roster of group members (the same columns the roster import
reads, so an exported list can be corrected and imported again), and the service records (person-times)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.crypto import decrypt_value
from guangyuan_jobs.reports.registry import (
    DATE,
    ID_NUMBER,
    PHONE,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)
from priority_groups.models import (
    GroupCode,
    GroupMembership,
    MembershipSource,
    ServiceChannel,
    ServiceRecord,
    ServiceType,
)
from priority_groups.selectors import group_choices


class MembersFilterForm(ReportFilterForm):
    group = forms.ChoiceField(label=_("Group"), required=False, choices=lambda: [("", _("All groups")),
                                                                                *group_choices()])
    on = forms.DateField(label=_("In the group on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def members_queryset(user, filters: dict):
    rows = scope_queryset(GroupMembership.objects.all(), user=user, region_field="person__region")
    if filters.get("group"):
        rows = rows.filter(group_id=filters["group"])
    if filters.get("on"):
        on = filters["on"]
        rows = rows.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return rows.order_by("group__sort_order", "person__region_id", "person__name", "pk")


def _group_labels():
    return {g.code: g.label for g in GroupCode.objects.all()}


register_report(ReportDefinition(
    code="priority_group_members",
    label=_("Priority-group members (roster)"),
    description=_("Each person's membership of a group, with its dates and evidence; the first columns are those "
                  "the roster import reads."),
    permission="priority_groups.view_caseload",
    filter_form=MembersFilterForm,
    queryset=members_queryset,
    columns=(
        Column(_("ID number"), "person__id_number_masked", kind=ID_NUMBER, width=21,
               full_source="person__id_number_encrypted", reveal=decrypt_value),
        Column(_("Name"), "person__name", width=10),
        Column(_("Phone"), "person__phone", kind=PHONE, width=14),
        Column(_("Region code"), "person__region_id", width=14),
        Column(_("Region"), "person__region__name", width=12),
        Column(_("Group"), "group_id", width=24, labels=_group_labels),
        Column(_("Subtype"), "subtype_id", width=24, labels=_group_labels),
        Column(_("From"), "valid_from", kind=DATE, width=12),
        Column(_("To"), "valid_to", kind=DATE, width=12),
        Column(_("Evidence"), "evidence", width=30),
        Column(_("Source"), "source", width=12, labels=lambda: dict(MembershipSource.choices)),
    ),
))


class ServicesFilterForm(ReportFilterForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service_type = forms.ChoiceField(label=_("Service"), required=False,
                                     choices=[("", _("All services")), *ServiceType.choices])


def services_queryset(user, filters: dict):
    rows = scope_queryset(ServiceRecord.objects.all(), user=user, region_field="person__region")
    if filters.get("start"):
        rows = rows.filter(served_on__gte=filters["start"])
    if filters.get("end"):
        rows = rows.filter(served_on__lte=filters["end"])
    if filters.get("service_type"):
        rows = rows.filter(service_type=filters["service_type"])
    return rows.order_by("served_on", "pk")


register_report(ReportDefinition(
    code="priority_group_services",
    label=_("Priority-group service records (person-times)"),
    description=_("One row per service given: each row is one person-time."),
    permission="priority_groups.view_caseload",
    filter_form=ServicesFilterForm,
    queryset=services_queryset,
    columns=(
        Column(_("Date"), "served_on", kind=DATE, width=12),
        Column(_("ID number"), "person__id_number_masked", kind=ID_NUMBER, width=21,
               full_source="person__id_number_encrypted", reveal=decrypt_value),
        Column(_("Name"), "person__name", width=10),
        Column(_("Region"), "person__region__name", width=12),
        Column(_("Service"), "service_type", width=14, labels=lambda: dict(ServiceType.choices)),
        Column(_("Channel"), "channel", width=12, labels=lambda: dict(ServiceChannel.choices)),
        Column(_("Outcome"), "outcome", width=30),
        Column(_("Staff"), "staff__display_name", width=12),
    ),
))
