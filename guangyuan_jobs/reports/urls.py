from django.urls import path

from guangyuan_jobs.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.export_list, name="export_list"),
    path("new/", views.export_new, name="export_new"),
    path("<uuid:job_id>/", views.export_detail, name="export_detail"),
    path("<uuid:job_id>/progress/", views.export_progress, name="export_progress"),
    path("<uuid:job_id>/download/", views.export_download, name="export_download"),
]
