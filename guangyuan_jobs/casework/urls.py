from django.urls import path

from guangyuan_jobs.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/start/", views.batch_start, name="batch_start"),
    path("batches/<uuid:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<uuid:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("<str:ref>/", views.case_detail, name="case_detail"),
    path("<str:ref>/transition/", views.case_transition, name="case_transition"),
    path("<str:ref>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<str:ref>/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
