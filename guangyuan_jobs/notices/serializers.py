from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guangyuan_jobs.notices.models import Notice, NoticeKind, Notification


class FormalNoticeSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.ref", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    issued_by = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ("number", "kind", "kind_label", "case", "issued_at", "issued_by", "size", "sha256", "pdf_url")

    @extend_schema_field(OpenApiTypes.STR)
    def get_issued_by(self, notice) -> str:
        return str(notice.issued_by) if notice.issued_by_id else ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, notice) -> str:
        return reverse("notices_api:notice_pdf", args=[notice.number])


class FormalNoticeIssueSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=32, help_text="The case reference, e.g. SYBZJ-2026-7K3M9Q2X.")
    kind = serializers.ChoiceField(choices=NoticeKind.choices)


class InboxMessageSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.ref", read_only=True, default="")
    event_label = serializers.CharField(source="get_event_display", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "event", "event_label", "case", "subject", "body", "created_at", "read_at", "read")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, message) -> bool:
        return message.read_at is not None


class InboxReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                required=False, max_length=500,
                                help_text="The messages to mark read; all of them when left out.")
