"""Serializers of the payment-batch API: batches, their items, inputs of each move, the reconciliation."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subsidies.models import PaymentBatch, PaymentBatchItem
from subsidies.services.payments import ACTION_SOURCES, payment_batch_actions_for


class PaymentBatchSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    locked_by = serializers.CharField(source="locked_by.username", read_only=True, allow_null=True, default=None)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)
    reconciled_by = serializers.CharField(source="reconciled_by.username", read_only=True, allow_null=True,
                                          default=None)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = PaymentBatch
        fields = ["ref", "fund_source", "region", "kinds", "status", "version", "item_count", "total_amount",
                  "paid_amount", "failed_amount", "skipped", "created_by", "created_at", "locked_by", "locked_at",
                  "approved_by", "approved_at", "exported_at", "reconciled_by", "reconciled_at", "error", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(ACTION_SOURCES))))
    def get_actions(self, batch) -> list[str]:
        """The moves you may make on this batch now."""
        return payment_batch_actions_for(user=self.context["request"].user, batch=batch)


class PaymentBatchItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentBatchItem
        fields = ["reference", "payee_name", "bank_name", "account_masked", "amount", "status", "failure_reason",
                  "settled_at", "settle_error"]
        read_only_fields = fields


class PaymentBatchCreateSerializer(serializers.Serializer):
    fund_source = serializers.ChoiceField(choices=PaymentBatch.FundSource.choices)
    kinds = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=50,
                                  help_text="Kind codes of this fund; empty: every kind of the fund.")
    region = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                   help_text="A district code in your area; empty: your whole area.")


class PaymentBatchActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a for a in ACTION_SOURCES if a != "reconcile"])
    version = serializers.IntegerField(min_value=1, help_text="The batch's version you read.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="Required to cancel.")


class ReturnFileSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    file = serializers.FileField(
        help_text="The bank's return file (.xlsx): 业务参考号, 处理结果 (成功/失败), 失败原因.")


class ReconciliationSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    items_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    payments_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    approved_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    item_count = serializers.IntegerField()
    paid_count = serializers.IntegerField()
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    failed_count = serializers.IntegerField()
    failed_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    open_count = serializers.IntegerField()
    unlinked = serializers.ListField(child=serializers.CharField())
    anomalies = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    returned = serializers.BooleanField()
    balanced = serializers.BooleanField()
