"""The parks report, registered with `reports` (streamed .xlsx via Celery, formulas neutralised): every park the
user may see by kind, level and district, with its certification status, resident firms, jobs created and the
score of its last decided evaluation."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.selectors import city_region_names
from guangyuan_jobs.reports.registry import DATE, NUMBER, Column, ReportDefinition, ReportFilterForm, register_report
from startup_parks.models import Park, ParkKind, ParkLevel, ParkStatus
from startup_parks.selectors import park_scope, with_figures


class ParkReportFilterForm(ReportFilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *ParkKind.choices]
        self.fields["level"].choices = [("", _("All")), *ParkLevel.choices]
        self.fields["status"].choices = [("", _("All")), *ParkStatus.choices]


def park_report_queryset(user, filters: dict) -> QuerySet:
    parks = park_scope(Park.objects.all(), user=user)
    for name in ("kind", "level", "status"):
        if filters.get(name):
            parks = parks.filter(**{name: filters[name]})
    return with_figures(parks).order_by("kind", "level", "region_id", "name")


register_report(ReportDefinition(
    code="startup_parks_register",
    label=_("Entrepreneurship parks by kind, level and district"),
    description=_("Each park with its certification, resident firms, jobs created and last evaluation score."),
    permission="startup_parks.view_park",
    filter_form=ParkReportFilterForm,
    queryset=park_report_queryset,
    columns=(
        Column(_("Kind"), "kind", width=30, labels=lambda: dict(ParkKind.choices)),
        Column(_("Level"), "level", labels=lambda: dict(ParkLevel.choices)),
        Column(_("District"), "region_id", width=12,
               labels=city_region_names),
        Column(_("Reference"), "ref", width=22),
        Column(_("Park"), "name", width=30),
        Column(_("Operator"), "operator__name", width=30),
        Column(_("Status"), "status", labels=lambda: dict(ParkStatus.choices)),
        Column(_("Certified until"), "certified_until", kind=DATE),
        Column(_("Area (m²)"), "area_m2", kind=NUMBER),
        Column(_("Resident firms"), "residents_now", kind=NUMBER),
        Column(_("Jobs created"), "jobs_total", kind=NUMBER),
        Column(_("Last evaluation score"), "last_score", kind=NUMBER),
    ),
))
