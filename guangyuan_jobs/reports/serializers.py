from django.urls import reverse
from rest_framework import serializers

from guangyuan_jobs.reports.models import ExportJob


class ExportCreateInputSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=64, help_text="Report code, e.g. case_register.")
    filters = serializers.DictField(required=False, default=dict,
                                    help_text='The report\'s filters, e.g. {"status": "paid", "region": "510802"}.')
    full_values = serializers.BooleanField(required=False, default=False,
                                           help_text="Unmasked identity numbers; needs the permission and a reason.")
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(source="progress_percent", help_text="Percent done, 0-100.")
    rows = serializers.IntegerField(source="rows_written")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ("id", "report", "filters", "full_values", "status", "progress", "rows", "total_rows",
                  "checksum", "error", "created_at", "started_at", "finished_at", "expires_at", "download_url")
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ExportJob.Status.COMPLETED:
            return None
        url = reverse("reports_api:export_download", kwargs={"job_id": job.id})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
