from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guangyuan_jobs.casework import selectors
from guangyuan_jobs.casework.models import Case, CaseTransition, MissingMaterial
from guangyuan_jobs.casework.rules import ACTIONS, By, is_overdue


class CaseListSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    applicant = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["ref", "kind", "kind_label", "status", "version", "region", "region_name", "applicant",
                  "requested_amount", "approved_amount", "due_date", "overdue"]
        read_only_fields = fields

    def get_kind_label(self, case) -> str:
        return selectors.kind_label(case.kind)

    def get_applicant(self, case) -> str:
        """Name with the ID number masked (an enterprise's public credit code in full)."""
        return selectors.case_applicant_masked(case)

    def get_overdue(self, case) -> bool:
        return is_overdue(status=case.status, due_date=case.due_date, today=timezone.localdate())


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseTransition
        fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, transition):
        # Applicants see what happened and when; staff names stay inside the Center.
        request = self.context.get("request")
        if transition.actor is None or (request is not None and request.user.is_applicant):
            return None
        return str(transition.actor)


class MissingMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = MissingMaterial
        fields = ["material_code", "label", "due_date", "supplied_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    timeline = serializers.SerializerMethodField()
    missing_materials = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    due_date_unknown_years = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "period_start", "period_end", "submitted_at", "accepted_at",
                  "decided_at", "paid_at", "decision_reason", "due_date_unknown_years", "missing_materials",
                  "timeline", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case):
        return TimelineEntrySerializer(selectors.case_timeline(case), many=True, context=self.context).data

    @extend_schema_field(MissingMaterialSerializer(many=True))
    def get_missing_materials(self, case):
        return MissingMaterialSerializer(selectors.case_missing_materials(case), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case):
        return [a.code for a in selectors.case_actions_for(user=self.context["request"].user, case=case)]


class MissingMaterialInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    label = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[code for code, a in ACTIONS.items() if a.by != By.SYSTEM])
    version = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    missing_materials = MissingMaterialInputSerializer(many=True, required=False,
                                                       help_text="For accept_incomplete: the materials missing.")
