from django.urls import path

from guangyuan_jobs.reports import api

app_name = "reports_api"

urlpatterns = [
    path("", api.ExportListCreateApi.as_view(), name="export_list_create"),
    path("<uuid:job_id>/", api.ExportDetailApi.as_view(), name="export_detail"),
    path("<uuid:job_id>/download/", api.ExportDownloadApi.as_view(), name="export_download"),
]
