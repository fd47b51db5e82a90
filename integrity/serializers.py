"""API shapes of findings and recoveries: public references, never database ids; ID numbers masked."""

from rest_framework import serializers

from integrity.models import Finding, Recovery, RecoveryReceipt


class FindingSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    case = serializers.CharField(source="case.ref", read_only=True)
    case_kind = serializers.CharField(source="case.kind", read_only=True)
    region = serializers.CharField(source="case.region_id", read_only=True)
    verifier = serializers.CharField(source="verifier.display_name", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)
    recovery = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["ref", "rule", "rule_name", "rule_version", "case", "case_kind", "region", "severity", "status",
                  "summary", "trigger", "verifier", "decided_by", "decided_at", "reason", "created_at", "recovery"]
        read_only_fields = fields

    def get_recovery(self, finding) -> str | None:
        try:
            return finding.recovery.ref
        except Recovery.DoesNotExist:
            return None


class FindingDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["verify", "dismiss"])
    reason = serializers.CharField(max_length=2000)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      help_text="Verified on a paid case: the amount to recover (default: all paid).")


class RecoveryReceiptSerializer(serializers.ModelSerializer):
    offset_case = serializers.CharField(source="offset_case.ref", read_only=True, default=None)

    class Meta:
        model = RecoveryReceipt
        fields = ["kind", "amount", "received_on", "reference", "offset_case", "recorded_at"]
        read_only_fields = fields


class RecoverySerializer(serializers.ModelSerializer):
    finding = serializers.CharField(source="finding.ref", read_only=True)
    case = serializers.CharField(source="case.ref", read_only=True)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    receipts = RecoveryReceiptSerializer(many=True, read_only=True)

    class Meta:
        model = Recovery
        fields = ["ref", "finding", "case", "amount", "recovered", "balance", "method", "instalments", "first_due",
                  "status", "version", "opened_at", "closed_at", "receipts"]
        read_only_fields = fields


class ReceiptCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecoveryReceipt.Kind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    offset_case_ref = serializers.CharField(max_length=32, required=False, allow_blank=True)
