"""The report registry: apps declare their spreadsheets here (in their `exports.py`, found at start-up).

A report is its columns, a scoped queryset and a filter form; the export task does the rest (streaming,
masking, formula neutralising, cover sheet), so every report gets the same guarantees.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

# Column kinds. Text cells never start a formula; money is a number shown with two decimals; dates are
# Excel dates; id_number and phone are masked unless the export is a full-value one.
TEXT, MONEY, DATE, NUMBER, ID_NUMBER, PHONE = "text", "money", "date", "number", "id_number", "phone"
COLUMN_KINDS = (TEXT, MONEY, DATE, NUMBER, ID_NUMBER, PHONE)


@dataclass(frozen=True)
class Column:
    header: str
    # A values_list path ("region__name"), or a callable taking the values of `needs` in order.
    source: str | Callable[..., Any]
    kind: str = TEXT
    width: int = 16
    needs: tuple[str, ...] = ()
    # Code -> label, built once per export (e.g. status labels); a value missing from it is shown as is.
    labels: Callable[[], Mapping] | None = None
    # For full-value exports: the path holding the full value and how to read it (e.g. decrypt).
    full_source: str | None = None
    reveal: Callable[[Any], Any] | None = None

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if callable(self.source) and not self.needs:
            raise ValueError("a callable column source needs the paths it reads (needs=...)")


class ReportFilterForm(forms.Form):
    """Base of every report's filter form: built for a user, its data stored as JSON on the job."""

    # Names the export request itself uses; a report's filter may not take them.
    RESERVED = frozenset({"report", "full_values", "reason", "csrfmiddlewaretoken"})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        clash = self.RESERVED & set(self.fields)
        if clash:
            raise ValueError(f"filter field names reserved by the export request: {sorted(clash)}")

    def to_json(self) -> dict:
        """The cleaned filters as JSON: what is stored on the job and fed back to this form at run time."""
        data = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            if isinstance(value, Model):
                data[name] = str(value.pk)
            elif hasattr(value, "isoformat"):
                data[name] = value.isoformat()
            else:
                data[name] = value
        return data

    def describe(self) -> list[tuple[str, str]]:
        """(label, shown value) of each filter set, for the cover sheet and the job page."""
        lines = []
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                shown = str(dict(field.choices).get(value, value))
            elif hasattr(value, "isoformat"):
                shown = value.isoformat()
            else:
                shown = str(value)
            lines.append((str(field.label or name), shown))
        return lines


@dataclass(frozen=True)
class ReportDefinition:
    code: str
    label: str
    columns: tuple[Column, ...]
    # queryset(user, cleaned_filters) -> the rows this user may see, already filtered and ordered.
    queryset: Callable[[Any, dict], QuerySet]
    filter_form: type[ReportFilterForm] = ReportFilterForm
    # Besides reports.export_report, which every export needs.
    permission: str = "reports.export_report"
    description: str = ""

    def __post_init__(self):
        if not self.columns:
            raise ValueError(f"report {self.code} has no columns")


_REGISTRY: dict[str, ReportDefinition] = {}


def register_report(report: ReportDefinition) -> ReportDefinition:
    existing = _REGISTRY.get(report.code)
    if existing is not None and existing != report:
        raise ValueError(f"report {report.code} is registered twice with different definitions")
    _REGISTRY[report.code] = report
    return report


class UnknownReport(LookupError):
    pass


def get_report(code: str) -> ReportDefinition:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownReport(_("There is no report called %(code)s.") % {"code": code}) from None


def all_reports() -> list[ReportDefinition]:
    return sorted(_REGISTRY.values(), key=lambda r: r.code)
