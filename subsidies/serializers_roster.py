"""Serializers of the roster API and of the firm's confirmation."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subsidies.models import RosterImport, StablePostRefundDetail
from subsidies.selectors_roster import refund_waiting, roster_import_progress


class RosterImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The agency's roster, .xlsx, first row naming the columns.")
    premium_year = serializers.IntegerField(help_text="The year the premiums were paid in.")
    dry_run = serializers.BooleanField(default=True, help_text="Preview only (the default): nothing is written.")


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the spreadsheet.")
    credit_code = serializers.CharField()
    name = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["rejected", "ineligible", "eligible", "created", "unchanged"])
    reasons = serializers.ListField(child=serializers.CharField())
    amount = serializers.CharField(allow_null=True)
    case = serializers.CharField(help_text="The refund case's reference, when there is one.")


class RosterImportSerializer(serializers.ModelSerializer):
    percent = serializers.SerializerMethodField()
    rejected_file_url = serializers.SerializerMethodField()

    class Meta:
        model = RosterImport
        fields = ["id", "premium_year", "original_name", "sha256", "dry_run", "status", "percent", "rows_total",
                  "rows_processed", "rows_eligible", "rows_ineligible", "rows_rejected", "rows_created",
                  "rows_unchanged", "error", "preview_of", "created_at", "finished_at", "rejected_file_url"]
        read_only_fields = fields

    def get_percent(self, roster) -> int:
        return roster_import_progress(roster).percent

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejected_file_url(self, roster):
        if not roster.rejected_file:
            return None
        return reverse("subsidies:roster_rejected_download", args=[roster.pk])


class RosterImportDetailSerializer(RosterImportSerializer):
    preview = PreviewRowSerializer(many=True, read_only=True)

    class Meta(RosterImportSerializer.Meta):
        fields = [*RosterImportSerializer.Meta.fields, "preview"]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(source="case.ref")
    status = serializers.CharField(source="case.status")
    amount = serializers.DecimalField(source="case.requested_amount", max_digits=14, decimal_places=2,
                                      allow_null=True)
    explanation = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()

    class Meta:
        model = StablePostRefundDetail
        fields = ["ref", "status", "premium_year", "amount", "explanation", "prior_year_premiums", "size_class",
                  "confirmation_due", "confirmed_at", "waiting"]
        read_only_fields = fields

    def get_explanation(self, detail) -> str:
        return ((detail.case.details or {}).get("quote") or {}).get("explanation", "")

    def get_waiting(self, detail) -> bool:
        return refund_waiting(detail)


class RefundConfirmSerializer(serializers.Serializer):
    bank_name = serializers.CharField(max_length=64)
    account_name = serializers.CharField(max_length=128)
    account = serializers.CharField(max_length=40)
    confirm = serializers.BooleanField(help_text="Must be true: the firm confirms the amount and its pledge.")

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(_("Confirm the amount and the pledge."))
        return value
