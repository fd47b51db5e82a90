"""Serializers of monitoring's API. Statuses and levels are plain strings here: their codes are listed in the
field descriptions, and the warning's moves are checked by the service."""

from rest_framework import serializers

from monitoring.models import MonthlyReturn, ReductionReason, Warning


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    section = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    previous = serializers.DecimalField(max_digits=20, decimal_places=4, help_text="The same view a year earlier.")
    change = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True,
                                      help_text="Change against the previous year, per cent; null when it was 0.")
    drilldown = serializers.CharField(allow_blank=True, help_text="The page listing the records behind it.")


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    region = serializers.CharField(allow_blank=True, help_text="Blank: the whole city.")
    start = serializers.DateField()
    end = serializers.DateField()
    figures = FigureSerializer(many=True)


class ReturnInputSerializer(serializers.Serializer):
    credit_code = serializers.CharField(required=False, max_length=18,
                                        help_text="Clerks only: the firm filed for. A firm's account files its own.")
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="The month, YYYY-MM.")
    headcount = serializers.IntegerField(min_value=0, max_value=1_000_000)
    hires = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_closure = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_suspension = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_economic_layoff = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_contract_end = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_resignation = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reductions_other = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    reduction_reason = serializers.ChoiceField(choices=ReductionReason.choices, required=False, allow_blank=True,
                                               default="")
    dispatched = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    hidden_unemployed = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="monitored.enterprise.credit_code")
    period = serializers.DateField(format="%Y-%m")
    check_status = serializers.CharField(help_text="plausible, flagged or confirmed.")
    channel = serializers.CharField(help_text="enterprise or caseworker.")

    class Meta:
        model = MonthlyReturn
        fields = ("credit_code", "period", "headcount", "hires", "reductions_closure", "reductions_suspension",
                  "reductions_economic_layoff", "reductions_contract_end", "reductions_resignation",
                  "reductions_other", "reductions", "reduction_reason", "dispatched", "hidden_unemployed", "note",
                  "channel", "filed_at", "filed_late", "check_status", "check_findings")
        read_only_fields = fields


class WarningSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.name")
    status = serializers.CharField(help_text="open, acknowledged, handled or closed.")
    level = serializers.CharField(help_text="yellow, orange or red.")
    period = serializers.DateField(format="%Y-%m")
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Warning
        fields = ("ref", "level", "status", "version", "rule", "subject_label", "region", "period", "value",
                  "threshold", "details", "opened_at", "closed_at")
        read_only_fields = fields


class WarningTransitionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="acknowledge, handle or close.")
    version = serializers.IntegerField(min_value=1, help_text="The version you saw; a stale one gets 409.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="Required to handle or close.")
