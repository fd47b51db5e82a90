"""Warning rules are data: the system administrator keeps them here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from guangyuan_jobs.core.errors import ApplicationError
from monitoring.models import WarningRule
from monitoring.services import warning_rule_threshold_check


class WarningRuleForm(forms.ModelForm):
    class Meta:
        model = WarningRule
        fields = ("code", "name", "scope", "scope_value", "metric", "threshold", "window_months", "firm_min_people",
                  "firm_min_ratio", "level", "active", "source")

    def clean(self):
        data = super().clean()
        try:
            warning_rule_threshold_check(data.get("threshold"), data.get("metric", ""))
        except ApplicationError as exc:
            raise ValidationError({"threshold": str(exc.message)}) from None
        return data


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    form = WarningRuleForm
    list_display = ("code", "name", "scope", "metric", "threshold", "window_months", "level", "active")
    list_filter = ("scope", "metric", "level", "active")
