"""The claims API's shapes. The claim data of each kind is documented from the kind's form (forms_claims.py),
which remains the one place that validates it: the serializers here check the envelope only."""

from django import forms
from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.selectors import case_applicant_masked, kind_label
from guangyuan_jobs.core.api import FieldsBuiltOnce
from subsidies.forms_claims import CLAIM_FORMS
from subsidies.selectors_claims import claim_data, claim_overview


def _field_for(form_field: forms.Field) -> serializers.Field:
    options = {"required": form_field.required, "help_text": form_field.help_text or form_field.label}
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=[value for value, _label in form_field.choices], **options)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**options)
    if isinstance(form_field, forms.DecimalField):
        return serializers.DecimalField(max_digits=form_field.max_digits, decimal_places=form_field.decimal_places,
                                        **options)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(min_value=form_field.min_value, max_value=form_field.max_value, **options)
    return serializers.CharField(max_length=form_field.max_length, **options)


def _data_serializer(kind: str) -> type[serializers.Serializer]:
    fields = {name: _field_for(f) for name, f in CLAIM_FORMS[kind].base_fields.items()}
    return type(f"{kind.title()}ClaimData", (serializers.Serializer,), fields)


CLAIM_DATA_SERIALIZERS = {kind: _data_serializer(kind) for kind in CLAIM_FORMS}


class WalkInApplicantSerializer(serializers.Serializer):
    """Counter clerks only: whom the claim is filed for. Ignored when an applicant files for themself."""

    id_number = serializers.CharField(required=False, max_length=18, help_text="A person's resident ID number.")
    credit_code = serializers.CharField(required=False, max_length=18,
                                        help_text="An enterprise's unified social credit code.")
    name = serializers.CharField(max_length=128, help_text="The name as on the ID card or the business licence.")
    region = serializers.CharField(required=False, max_length=12,
                                   help_text="District code, for a person not yet registered.")


class ClaimCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(CLAIM_FORMS))
    submit = serializers.BooleanField(default=False, help_text="Submit at once instead of keeping a draft.")
    applicant = WalkInApplicantSerializer(required=False)
    data = serializers.DictField(help_text="The kind's claim data.")


def _create_serializer(kind: str) -> type[serializers.Serializer]:
    return type(f"{kind.title()}ClaimCreate", (ClaimCreateSerializer,), {
        "kind": serializers.ChoiceField(choices=[kind]), "data": CLAIM_DATA_SERIALIZERS[kind]()})


CLAIM_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="ClaimCreate", resource_type_field_name="kind",
    serializers={kind: _create_serializer(kind) for kind in CLAIM_FORMS},
)
CLAIM_DATA_SCHEMA = PolymorphicProxySerializer(
    component_name="ClaimData", resource_type_field_name=None,
    serializers=[serializer() for serializer in CLAIM_DATA_SERIALIZERS.values()],
)


class ClaimUpdateSerializer(serializers.Serializer):
    data = serializers.DictField(help_text="The fields of the claim data to change; the others stay.")


class ClaimUpdateSchema(serializers.Serializer):
    data = CLAIM_DATA_SCHEMA


class ClaimWithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The version you read; 409 if the claim moved since.")


class AmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    explanation = serializers.CharField()
    parameters = serializers.ListField(child=serializers.DictField(), help_text="The policy parameters used.")
    estimate = serializers.BooleanField(help_text="An estimate by the rules: the claim is not submitted yet.")


class ClaimListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    region = serializers.CharField(source="region_id", read_only=True)
    applicant = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["ref", "kind", "kind_label", "status", "version", "region", "applicant", "requested_amount",
                  "approved_amount", "period_start", "period_end", "created_at", "submitted_at", "url"]
        read_only_fields = fields

    def get_kind_label(self, case) -> str:
        return kind_label(case.kind)

    def get_applicant(self, case) -> str:
        """Name with the ID number masked (an enterprise's public credit code in full)."""
        return case_applicant_masked(case)

    def get_url(self, case) -> str:
        """The case page: status timeline, missing materials and due dates."""
        return reverse("casework:case_detail", args=[case.ref])


class ClaimSerializer(ClaimListSerializer):
    data = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()

    class Meta(ClaimListSerializer.Meta):
        fields = [*ClaimListSerializer.Meta.fields, "decision_reason", "data", "findings", "amount"]
        read_only_fields = fields

    def _overview(self, case):
        cache = self.context.setdefault("_overviews", {})
        if case.pk not in cache:
            cache[case.pk] = claim_overview(case=case, user=self.context["request"].user)
        return cache[case.pk]

    @extend_schema_field(CLAIM_DATA_SCHEMA)
    def get_data(self, case):
        return claim_data(case, self._overview(case).detail)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_findings(self, case):
        """Why the claim may be refused: the applicant's pre-check while it can be changed; for staff, the
        findings recorded at submission."""
        return self._overview(case).findings

    @extend_schema_field(AmountSerializer(allow_null=True))
    def get_amount(self, case):
        overview = self._overview(case)
        return {**overview.amount, "estimate": overview.estimate} if overview.amount else None
