"""API shapes of the events app. Input serializers type the request; the services decide."""

from rest_framework import serializers

from startup_events.models import Award, Event, EventStatus, EventType, Registration


class EventListSerializer(serializers.ModelSerializer):
    event_type = serializers.ChoiceField(choices=EventType.choices)
    status = serializers.ChoiceField(choices=EventStatus.choices)
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    registered = serializers.IntegerField()

    class Meta:
        model = Event
        fields = ["ref", "title", "event_type", "status", "organiser", "held_on", "place", "region", "region_name",
                  "capacity", "registered"]


class AwardSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="registration.name")
    project = serializers.CharField(source="registration.project")

    class Meta:
        model = Award
        fields = ["level", "name", "project", "bonus"]


class TotalsSerializer(serializers.Serializer):
    registered = serializers.IntegerField()
    attended = serializers.IntegerField()
    banks = serializers.IntegerField()
    intentions = serializers.IntegerField()
    intended_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    loans = serializers.IntegerField()
    loan_amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class EventSerializer(EventListSerializer):
    description = serializers.CharField()
    totals = TotalsSerializer(source="totals_")
    awards = AwardSerializer(many=True, source="award_list")
    banks = serializers.ListField(child=serializers.CharField(), source="bank_codes",
                                  help_text="Codes of the participating banks.")
    registered_myself = serializers.BooleanField(help_text="For an applicant: whether they are registered.")

    class Meta(EventListSerializer.Meta):
        fields = [*EventListSerializer.Meta.fields, "description", "totals", "awards", "banks", "registered_myself"]


class RegisterSerializer(serializers.Serializer):
    """An applicant registers themselves (send `project` only, or nothing). Staff register a walk-in: a person
    by `id_number` and `name`, or an enterprise by `credit_code` and `name`."""

    project = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18, default="")
    name = serializers.CharField(required=False, allow_blank=True, max_length=128, default="")


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.ref")

    class Meta:
        model = Registration
        fields = ["id", "event", "name", "project", "channel", "attended", "registered_at"]
