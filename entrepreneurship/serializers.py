"""API shapes of the entrepreneurship app. Input serializers type the request; the services decide."""

from rest_framework import serializers

from entrepreneurship.models import Loan, LoanEvent, LoanStatus, LoanType, Repayment
from entrepreneurship.rules import LOAN_ACTIONS


class LoanApplicationCreateSerializer(serializers.Serializer):
    loan_type = serializers.ChoiceField(choices=LoanType.choices)
    data = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text=(
        "group_code, amount, term_months, bank (code), business_name, business_started_on (YYYY-MM-DD), purpose; "
        "partners (partnership); current_staff, new_hires (enterprise); earlier_loans, earlier_overdue, "
        "online_merchant, guarantor_name, guarantor_id_number, recommended_by_incubator, honoured, credit_rated"))
    submit = serializers.BooleanField(default=True)


class LoanApplicationCreatedSerializer(serializers.Serializer):
    ref = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()
    counter_guarantee_required = serializers.BooleanField()
    counter_guarantee_explanation = serializers.CharField()
    eligibility_issues = serializers.ListField(child=serializers.CharField())


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Repayment
        fields = ["paid_on", "principal", "interest", "bank_reference"]


class LoanEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanEvent
        fields = ["action", "from_status", "to_status", "comment", "created_at"]


class LoanListSerializer(serializers.ModelSerializer):
    bank = serializers.CharField(source="bank.code")
    bank_name = serializers.CharField(source="bank.name")
    region = serializers.CharField(source="region_id")
    status = serializers.ChoiceField(choices=LoanStatus.choices)

    class Meta:
        model = Loan
        fields = ["ref", "loan_type", "status", "borrower_name", "bank", "bank_name", "region", "approved_amount",
                  "principal", "outstanding", "contract_no", "contract_date", "version"]


class LoanSerializer(LoanListSerializer):
    repayments = RepaymentSerializer(many=True, read_only=True)
    events = LoanEventSerializer(many=True, read_only=True)
    counter_guarantee_explanation = serializers.CharField(source="application.counter_guarantee_explanation")

    class Meta(LoanListSerializer.Meta):
        fields = [*LoanListSerializer.Meta.fields, "group_code", "counter_guarantee_required",
                  "counter_guarantee_explanation", "disbursed_on", "annual_rate", "lpr_on_contract", "borrower_rate",
                  "subsidy_rate", "term_months", "maturity_date", "subsidy_end", "extended_to", "payout_amount",
                  "payout_on", "recovered_amount", "settled_on", "decision_reason", "repayments", "events"]


class LoanActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(LOAN_ACTIONS))
    version = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    data = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class QuarterSubsidySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    days = serializers.IntegerField()
    balance_at_end = serializers.DecimalField(max_digits=14, decimal_places=2)
    explanation = serializers.CharField()
