"""API shapes of the parks app. Input serializers type the request; the services decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from startup_parks.models import Certificate, CertificationApplication, Park


class ParkListSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    operator = serializers.CharField(source="operator.name")
    operator_credit_code = serializers.CharField(source="operator.credit_code")
    residents_now = serializers.IntegerField()
    jobs_total = serializers.IntegerField()
    last_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)

    class Meta:
        model = Park
        fields = ["ref", "name", "kind", "level", "region", "region_name", "operator", "operator_credit_code",
                  "area_m2", "address", "status", "certified_until", "residents_now", "jobs_total", "last_score"]


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["number", "level", "valid_from", "valid_to", "status", "ended_on", "ended_reason"]


class ApplicationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificationApplication
        fields = ["ref", "purpose", "status", "submitted_at", "total_score", "pass_mark", "decided_at",
                  "decision_reason"]


class ParkSerializer(ParkListSerializer):
    certificates = CertificateSerializer(many=True, read_only=True)
    applications = ApplicationSummarySerializer(many=True, read_only=True)

    class Meta(ParkListSerializer.Meta):
        fields = [*ParkListSerializer.Meta.fields, "certificates", "applications"]


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    evidence = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    evaluator = serializers.CharField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))
    submitted_at = serializers.DateTimeField()


class ApplicationSerializer(ApplicationSummarySerializer):
    park = serializers.CharField(source="park.ref")
    criteria = CriterionSerializer(many=True)
    evaluations = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta(ApplicationSummarySerializer.Meta):
        fields = [*ApplicationSummarySerializer.Meta.fields, "park", "criteria", "evaluations", "evidence"]

    @extend_schema_field(EvaluationSerializer(many=True))
    def get_evaluations(self, obj):
        return EvaluationSerializer([
            {"evaluator": e.evaluator.display_name or e.evaluator.username, "total": e.total,
             "scores": {s.criterion_code: s.score for s in e.scores.all()}, "submitted_at": e.submitted_at}
            for e in obj.evaluations.select_related("evaluator").prefetch_related("scores")], many=True).data

    def get_evidence(self, obj) -> dict[str, int]:
        counts: dict[str, int] = {}
        for code in obj.evidence.values_list("criterion_code", flat=True):
            counts[code] = counts.get(code, 0) + 1
        return counts


class ApplyRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, help_text=(
        "Evidence files; name each upload field `evidence_<criterion code>` (multipart)."))
