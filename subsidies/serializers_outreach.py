"""Serializers of the outreach API: service guides (public), briefing sessions and policy pushes (staff)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from subsidies.models import BriefingSession, PolicyPush, PolicyPushRecipient
from subsidies.selectors_outreach import PUSH_TARGETS, push_progress, push_recipient_label


class GuideSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    applicant_type = serializers.CharField()
    applicant_label = serializers.CharField()
    summary = serializers.CharField()


class GuideParameterSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    in_force = serializers.BooleanField()
    value = serializers.CharField(help_text="Formatted with its unit; empty when nothing is in force.")
    confidence = serializers.CharField(help_text="verified, secondary or unverified (❓: to be confirmed).")
    to_be_confirmed = serializers.BooleanField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    doc_no = serializers.CharField()
    doc_title = serializers.CharField()
    doc_url = serializers.CharField()


class GuideMaterialSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()


class GuideStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    limit = serializers.CharField()
    working_days = serializers.SerializerMethodField()
    to_be_confirmed = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days(self, step):
        return int(step.parameter.raw) if step.parameter and step.parameter.in_force else None

    def get_to_be_confirmed(self, step) -> bool:
        return bool(step.parameter and step.parameter.to_be_confirmed)


class ProcessingDaysSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    median = serializers.DecimalField(max_digits=8, decimal_places=1)


class GuideSerializer(serializers.Serializer):
    code = serializers.CharField(source="kind.code")
    label = serializers.CharField(source="kind.label")
    applicant_type = serializers.CharField(source="kind.applicant_type")
    applicant_label = serializers.CharField()
    fund_source = serializers.CharField(source="kind.fund_source")
    summary = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    reference_date = serializers.DateField()
    premium_year = serializers.IntegerField(allow_null=True)
    window_closed_on = serializers.DateField(allow_null=True)
    parameters = GuideParameterSerializer(many=True)
    materials = GuideMaterialSerializer(many=True, source="kind.materials")
    steps = GuideStepSerializer(many=True)
    decision = GuideParameterSerializer()
    promised_working_days = serializers.IntegerField(source="promised_days", allow_null=True)
    actual = ProcessingDaysSerializer(allow_null=True, help_text="Median working days from submission to payment "
                                                                 "over the paid claims; null without any.")


class BriefingSessionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name", read_only=True)
    kinds = serializers.ListField(child=serializers.CharField(max_length=16), required=False)

    class Meta:
        model = BriefingSession
        fields = ["id", "held_on", "place", "topic", "audience", "attendance", "region", "region_name", "kinds",
                  "recorded_at"]
        read_only_fields = ["id", "region_name", "recorded_at"]


class PolicyPushInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=16)
    target = serializers.ChoiceField(choices=list(PUSH_TARGETS))
    channel = serializers.ChoiceField(choices=PolicyPush.Channel.values, default=PolicyPush.Channel.SMS,
                                      help_text="sms or wechat (WeChat: sent through the SMS gateway for now).")
    region = serializers.CharField(max_length=12, required=False, allow_blank=True, default="",
                                   help_text="A region code of your area; empty: your whole area.")
    message = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                    help_text="Empty: a message with the link to the kind's service guide.")


class PushPreviewSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Picked by the rule in the area.")
    reachable = serializers.IntegerField(help_text="Of those, with a phone number: the recipients.")


class PolicyPushSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)
    # Plain strings, not enums: "status" and "channel" choice sets of other apps would collide in the schema.
    status = serializers.CharField(help_text="pending, running, completed or failed.")
    channel = serializers.CharField(help_text="sms or wechat (WeChat: sent through the SMS gateway for now).")

    class Meta:
        model = PolicyPush
        fields = ["id", "kind", "target", "channel", "message", "region", "status", "total", "sent_count",
                  "failed_count", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class PushProgressSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()
    percent = serializers.IntegerField()


class PolicyPushDetailSerializer(PolicyPushSerializer):
    progress = serializers.SerializerMethodField(help_text="Live counts while the push is being sent.")

    class Meta(PolicyPushSerializer.Meta):
        fields = [*PolicyPushSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    @extend_schema_field(PushProgressSerializer)
    def get_progress(self, push):
        return PushProgressSerializer(push_progress(push)).data


class PolicyPushRecipientSerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="pending, sent or failed.")

    class Meta:
        model = PolicyPushRecipient
        fields = ["recipient", "phone_masked", "status", "sent_at", "error"]
        read_only_fields = fields

    def get_recipient(self, recipient) -> str:
        return push_recipient_label(recipient)
