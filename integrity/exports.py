"""integrity's registers, registered with `reports`: every finding with its status and decision, and every
recovery with its balance. Rows start from the user's scope (the case's district); the export task masks and
neutralises formulas."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.reports.exports import kind_labels
from guangyuan_jobs.reports.registry import DATE, MONEY, Column, ReportDefinition, ReportFilterForm, register_report
from integrity import selectors
from integrity.models import Finding, Recovery, Severity


class FindingRegisterFilterForm(ReportFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Finding.Status.choices])
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("All severities")), *Severity.choices])


class RecoveryRegisterFilterForm(ReportFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Recovery.Status.choices])


def _findings(user, filters: dict):
    return selectors.finding_list_for(user=user, filters=filters).order_by("created_at", "id")


def _recoveries(user, filters: dict):
    return selectors.recovery_list_for(user=user, filters=filters).order_by("opened_at", "id")


register_report(ReportDefinition(
    code="integrity_findings",
    label=_("Suspicious items register (疑点台账)"),
    description=_("Every suspicious item you may see: rule, case, status, verifier and decision."),
    permission="integrity.view_finding",
    filter_form=FindingRegisterFilterForm,
    queryset=_findings,
    columns=(
        Column(_("Reference"), "ref", width=20),
        Column(_("Found"), "created_at", kind=DATE, width=12),
        Column(_("Rule"), "rule__name", width=28),
        Column(_("Severity"), "severity", width=8, labels=lambda: dict(Severity.choices)),
        Column(_("Case"), "case__ref", width=22),
        Column(_("Kind"), "case__kind", width=20, labels=kind_labels),
        Column(_("District"), "case__region__name", width=10),
        Column(_("Amount"), "case__approved_amount", kind=MONEY, width=12),
        Column(_("What was found"), "summary", width=60),
        Column(_("Status"), "status", width=10, labels=lambda: dict(Finding.Status.choices)),
        Column(_("Verifier"), "verifier__display_name", width=12),
        Column(_("Decided"), "decided_at", kind=DATE, width=12),
        Column(_("Reason"), "reason", width=40),
    ),
))

register_report(ReportDefinition(
    code="integrity_recoveries",
    label=_("Recoveries register (追回台账)"),
    description=_("Every recovery you may see, with what was recovered and the balance."),
    permission="integrity.view_recovery",
    filter_form=RecoveryRegisterFilterForm,
    queryset=lambda user, filters: _recoveries(user, filters).annotate(balance=F("amount") - F("recovered")),
    columns=(
        Column(_("Reference"), "ref", width=20),
        Column(_("Opened"), "opened_at", kind=DATE, width=12),
        Column(_("Case"), "case__ref", width=22),
        Column(_("Finding"), "finding__ref", width=20),
        Column(_("Rule"), "finding__rule__name", width=28),
        Column(_("District"), "case__region__name", width=10),
        Column(_("Method"), "method", width=14, labels=lambda: dict(Recovery.Method.choices)),
        Column(_("To recover"), "amount", kind=MONEY, width=12),
        Column(_("Recovered"), "recovered", kind=MONEY, width=12),
        Column(_("Balance"), "balance", kind=MONEY, width=12),
        Column(_("Status"), "status", width=10, labels=lambda: dict(Recovery.Status.choices)),
        Column(_("Closed"), "closed_at", kind=DATE, width=12),
    ),
))
