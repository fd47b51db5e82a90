"""Admin for policy reference data. A parameter is never edited in place: "add" goes through
`parameter_supersede`, which closes the period in force and records the change in the audit trail; an
existing period is read-only. Calendar years are entered on the policy:calendar page through a service."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyDocument, PolicyParameter
from guangyuan_jobs.policy.rules import Period, parameter_value_clean, period_to_close
from guangyuan_jobs.policy.services import parameter_supersede


class AuditedAdminMixin:
    """Admin edits of reference data land in the audit trail, not only in Django's admin log."""

    audit_prefix = ""

    def log_addition(self, request, obj, message):
        audit_log(actor=request.user, event_type=f"{self.audit_prefix}_created", obj=obj, details={"admin": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_log(actor=request.user, event_type=f"{self.audit_prefix}_changed", obj=obj, details={"admin": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_log(actor=request.user, event_type=f"{self.audit_prefix}_deleted", obj=obj,
                      details={"admin": str(obj)})
        return super().log_deletions(request, queryset)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "policy.document"
    list_display = ("doc_no", "title", "issuer", "level", "issued_on")
    list_filter = ("level",)
    search_fields = ("doc_no", "title", "issuer")
    date_hierarchy = "issued_on"


class ParameterAddForm(forms.ModelForm):
    """A new period. The value is typed as text and checked against the value type."""

    value = forms.CharField(label=_("value"), help_text=_("Decimals with a point (0.30), dates as 2026-01-01, "
                                                          "yes/no as true/false, structured values as JSON."))

    class Meta:
        model = PolicyParameter
        fields = ["key", "value", "value_type", "unit", "region", "valid_from", "document", "confidence", "note"]

    def clean(self):
        cleaned = super().clean()
        value_type, raw = cleaned.get("value_type"), cleaned.get("value")
        if value_type and raw is not None:
            try:
                cleaned["value"] = parameter_value_clean(value_type, raw)
            except ValidationError as exc:
                self.add_error("value", exc)
        key, valid_from = cleaned.get("key"), cleaned.get("valid_from")
        if key and valid_from:
            rows = PolicyParameter.objects.filter(key=key, region=cleaned.get("region"))
            try:
                period_to_close([Period(r.pk, r.valid_from, r.valid_to) for r in rows], valid_from)
            except ValidationError as exc:
                self.add_error("valid_from", exc)
        return cleaned

    def validate_unique(self):
        # Overlaps are refused above with a clearer message; the service re-checks under lock.
        pass


@admin.register(PolicyParameter)
class PolicyParameterAdmin(admin.ModelAdmin):
    form = ParameterAddForm
    list_display = ("key", "value", "unit", "region", "valid_from", "valid_to", "confidence", "document",
                    "history_link")
    list_filter = ("confidence", "value_type", ("region", admin.RelatedOnlyFieldListFilter), "valid_from")
    search_fields = ("key", "note", "document__doc_no", "document__title")
    list_select_related = ("region", "document")
    ordering = ("key", "region", "-valid_from")

    @admin.display(description=_("history"))
    def history_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("policy:parameter_history", args=[obj.key]), _("history"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in PolicyParameter._meta.fields]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in PolicyParameter._meta.fields if f.name != "id"]
        return super().get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Existing periods are history: viewable, never edited. "Add" supersedes.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = parameter_supersede(
            key=obj.key, region=obj.region, value=form.cleaned_data["value"], valid_from=obj.valid_from,
            document=obj.document, confidence=obj.confidence, note=obj.note, actor=request.user,
            value_type=obj.value_type, unit=obj.unit,
        )
        obj.pk = created.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Years are entered (and replaced) on the calendar page, through the audited service."""

    list_display = ("year", "source", "entered_at", "calendar_link")
    search_fields = ("source",)

    @admin.display(description=_("calendar"))
    def calendar_link(self, obj):
        return format_html('<a href="{}?year={}">{}</a>', reverse("policy:calendar"), obj.year, _("open"))


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"
