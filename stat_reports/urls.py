from django.urls import path

from stat_reports import views

app_name = "stat_reports"

urlpatterns = [
    path("", views.form_view, name="form"),
    path("download.xlsx", views.form_download, name="download"),
]
