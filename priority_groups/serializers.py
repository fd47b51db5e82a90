"""API shapes of the priority-groups app. ID numbers only masked."""

from rest_framework import serializers

from priority_groups.models import ServiceChannel, ServiceRecord, ServiceType


class MembershipSerializer(serializers.Serializer):
    group = serializers.CharField(source="group_id")
    group_label = serializers.CharField(source="group.label")
    subtype = serializers.CharField(source="subtype_id", allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    evidence = serializers.CharField()
    source = serializers.CharField()


class StatusPeriodSerializer(serializers.Serializer):
    # Plain text, not an enum: "status" names other enums in the schema (employment status codes in the docs).
    status = serializers.CharField(help_text="employed_local, employed_out_county, employed_out_province, "
                                             "self_employed, flexible, public_welfare_post, in_training, unemployed")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    employer_name = serializers.CharField()


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked")
    region = serializers.CharField(source="region_id", allow_null=True)
    groups = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    def get_groups(self, person) -> list[str]:
        return [m.group_id for m in getattr(person, "groups_now", [])]

    def get_status(self, person) -> str | None:
        periods = getattr(person, "status_now", [])
        return periods[0].status if periods else None


class ServiceRecordSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    staff = serializers.CharField(source="staff.get_username", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = ["id", "person", "service_type", "served_on", "channel", "outcome", "staff"]
        read_only_fields = fields


class ServiceRecordInputSerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    served_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=ServiceChannel.choices)
    outcome = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PersonFileSerializer(serializers.Serializer):
    person = PersonSummarySerializer()
    memberships = MembershipSerializer(many=True)
    statuses = StatusPeriodSerializer(many=True)
    zero_employment_household = serializers.BooleanField(allow_null=True)
    registered_unemployed = serializers.BooleanField()
    person_times = serializers.IntegerField()
    next_follow_up = serializers.DateField(allow_null=True)


class GroupFiguresSerializer(serializers.Serializer):
    area = serializers.CharField()
    area_name = serializers.CharField()
    members = serializers.IntegerField()
    placed = serializers.IntegerField()
    employed_or_preparing = serializers.IntegerField()
    served = serializers.IntegerField()
    person_times = serializers.IntegerField()
    placed_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    employed_or_preparing_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    fully_placed = serializers.BooleanField()


class GroupReportSerializer(serializers.Serializer):
    total = GroupFiguresSerializer()
    rows = GroupFiguresSerializer(many=True)
