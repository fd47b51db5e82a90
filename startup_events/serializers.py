"""API shapes of the events app. Input serializers type the request; the services decide."""

from rest_framework import serializers

from startup_events.models import Award, Event, EventStatus, EventType, Registration, RegistrationStatus


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
    waiting = serializers.IntegerField(help_text="Registrations on the waiting list.")
    cancelled = serializers.IntegerField()
    banks = serializers.IntegerField()
    intentions = serializers.IntegerField()
    intended_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    loans = serializers.IntegerField()
    loan_amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.ref")
    status = serializers.ChoiceField(choices=RegistrationStatus.choices,
                                     help_text="registered (holds a seat), waiting (on the waiting list), cancelled.")
    waiting_position = serializers.IntegerField(
        default=0, help_text="On the waiting list: 1 for the next to get a seat, and so on; 0 otherwise.")

    class Meta:
        model = Registration
        fields = ["id", "event", "name", "project", "channel", "status", "waiting_position", "attended",
                  "registered_at", "promoted_at", "cancelled_at"]


class EventSerializer(EventListSerializer):
    description = serializers.CharField()
    totals = TotalsSerializer(source="totals_")
    awards = AwardSerializer(many=True, source="award_list")
    banks = serializers.ListField(child=serializers.CharField(), source="bank_codes",
                                  help_text="Codes of the participating banks.")
    registered_myself = serializers.BooleanField(
        help_text="For an applicant: whether they hold a live registration (registered or waiting).")
    my_registration = RegistrationSerializer(
        source="my_registration_", allow_null=True,
        help_text="For an applicant: their registration (the live one, else the last cancelled), or null.")

    class Meta(EventListSerializer.Meta):
        fields = [*EventListSerializer.Meta.fields, "description", "totals", "awards", "banks", "registered_myself",
                  "my_registration"]


class RegisterSerializer(serializers.Serializer):
    """An applicant registers themselves (send `project` only, or nothing). Staff register a walk-in: a person
    by `id_number` and `name`, or an enterprise by `credit_code` and `name`."""

    project = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18, default="")
    name = serializers.CharField(required=False, allow_blank=True, max_length=128, default="")
