"""Serializers of the public-notice API."""

from rest_framework import serializers

from subsidies.models import NoticeEntry, Objection, PublicNotice


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicNotice
        fields = ["ref", "title", "kind", "starts_on", "ends_on", "published_at"]
        read_only_fields = fields


class NoticeEntrySerializer(serializers.ModelSerializer):
    """Exactly what the public page shows: masked name and ID number (or a firm's name and credit code),
    item and amount."""

    class Meta:
        model = NoticeEntry
        fields = ["id", "display_name", "identifier_masked", "item", "amount"]
        read_only_fields = fields


class NoticeDetailSerializer(NoticeSerializer):
    entries = NoticeEntrySerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class NoticePublishSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=16)
    refs = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False, max_length=500,
                                 help_text="References of approved cases of this kind in your area.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ObjectionInputSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="The id of the notice entry objected to.")
    name = serializers.CharField(max_length=64)
    contact = serializers.CharField(max_length=64)
    text = serializers.CharField(min_length=5, max_length=2000)


class ObjectionReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "status", "lodged_at"]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.ref")
    case_status = serializers.CharField(source="case.status")
    notice = serializers.CharField(source="entry.notice.ref")
    display_name = serializers.CharField(source="entry.display_name")
    identifier_masked = serializers.CharField(source="entry.identifier_masked")
    amount = serializers.DecimalField(source="entry.amount", max_digits=14, decimal_places=2)

    class Meta:
        model = Objection
        fields = ["id", "case", "case_status", "notice", "display_name", "identifier_masked", "amount",
                  "lodger_name", "lodger_contact", "text", "status", "lodged_at", "resolved_at", "resolution"]
        read_only_fields = fields


class ObjectionResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Objection.Status.UPHELD, Objection.Status.DISMISSED])
    resolution = serializers.CharField(min_length=2, max_length=2000)
