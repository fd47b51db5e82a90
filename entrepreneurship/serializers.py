"""API shapes of the entrepreneurship app. Input serializers type the request; the services decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entrepreneurship.models import CreditLine, CreditLineHolder, Loan, LoanEvent, LoanStatus, LoanType, Repayment
from entrepreneurship.rules import LOAN_ACTIONS


class LoanWalkInApplicantSerializer(serializers.Serializer):
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18,
                                      help_text="Resident ID number (individual and partnership loans).")
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18,
                                        help_text="Unified social credit code (enterprise loans).")
    name = serializers.CharField(required=False, allow_blank=True, max_length=128,
                                 help_text="Checked against the registry; registers a new applicant when the clerk "
                                           "may.")
    region = serializers.CharField(required=False, allow_blank=True, max_length=12,
                                   help_text="District code where the application is handled (default: the "
                                             "applicant's).")


class LoanApplicationCreateSerializer(serializers.Serializer):
    loan_type = serializers.ChoiceField(choices=LoanType.choices)
    applicant = LoanWalkInApplicantSerializer(required=False, help_text=(
        "Counter clerks only: the walk-in borrower they file for. Ignored for an applicant's own account."))
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
    filed_at_counter = serializers.BooleanField(default=False)


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
    credit_line = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta(LoanListSerializer.Meta):
        fields = [*LoanListSerializer.Meta.fields, "group_code", "counter_guarantee_required",
                  "counter_guarantee_explanation", "disbursed_on", "annual_rate", "lpr_on_contract", "borrower_rate",
                  "subsidy_rate", "term_months", "maturity_date", "subsidy_end", "extended_to", "epidemic_extension",
                  "extension_granted_on", "credit_line", "payout_amount",
                  "payout_on", "recovered_amount", "settled_on", "decision_reason", "repayments", "events"]


class LoanActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(LOAN_ACTIONS))
    version = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    data = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict,
                                 help_text=(
        "disburse: contract_no, contract_date, disbursed_on, principal, annual_rate, term_months, credit_line; "
        "repay: paid_on, principal, interest, bank_reference; mark_overdue: since; cure: cured_on; "
        "extend: extended_to, epidemic (true: granted under the 2020 epidemic policy, the subsidy continues), "
        "granted_on (default today); payout: amount, paid_on; recover: amount, recovered_on, note"))


class QuarterSubsidySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    days = serializers.IntegerField()
    balance_at_end = serializers.DecimalField(max_digits=14, decimal_places=2)
    explanation = serializers.CharField()


class CreditLineSerializer(serializers.ModelSerializer):
    bank = serializers.CharField(source="bank.code")
    bank_name = serializers.CharField(source="bank.name")
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    drawn = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        model = CreditLine
        fields = ["code", "name", "holder", "bank", "bank_name", "region", "region_name", "amount", "drawn",
                  "remaining", "valid_from", "valid_to"]


class CreditLineLoanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Loan
        fields = ["ref", "borrower_name", "status", "contract_no", "contract_date", "principal", "outstanding"]


class CreditLineDetailSerializer(CreditLineSerializer):
    loans = serializers.SerializerMethodField()

    class Meta(CreditLineSerializer.Meta):
        fields = [*CreditLineSerializer.Meta.fields, "loans"]

    @extend_schema_field(CreditLineLoanSerializer(many=True))
    def get_loans(self, line):
        return CreditLineLoanSerializer(self.context["loans"], many=True).data


class CreditLineCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=128)
    holder = serializers.ChoiceField(choices=CreditLineHolder.choices)
    region = serializers.CharField(max_length=12)
    amount = serializers.CharField(max_length=20, help_text="Yuan, more than zero, at most 2 decimals.")
    valid_from = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    valid_to = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")


class CreditLineDrawSerializer(serializers.Serializer):
    loan = serializers.CharField(max_length=32, help_text="The reference of a guaranteed loan awaiting its contract.")
    version = serializers.IntegerField(help_text="The loan's version as last read (stale: 409).")
    contract_no = serializers.CharField(max_length=64)
    contract_date = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    disbursed_on = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    principal = serializers.CharField(max_length=20)
    annual_rate = serializers.CharField(max_length=10, help_text="Percent a year, e.g. 3.45")
    term_months = serializers.CharField(max_length=4)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

