from django.urls import path

from startup_parks import views

app_name = "startup_parks"

urlpatterns = [
    path("", views.park_list, name="park_list"),
    path("new/", views.park_new, name="park_new"),
    path("due/", views.due_list, name="due_list"),
    path("p/<str:ref>/", views.park_detail, name="park_detail"),
    path("p/<str:ref>/apply/", views.park_apply, name="park_apply"),
    path("p/<str:ref>/reevaluate/", views.park_reevaluate, name="park_reevaluate"),
    path("p/<str:ref>/residents/", views.resident_add, name="resident_add"),
    path("p/<str:ref>/residents/<int:pk>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("p/<str:ref>/jobs/", views.jobs_report, name="jobs_report"),
    path("applications/<str:ref>/", views.application_detail, name="application_detail"),
    path("applications/<str:ref>/evaluate/", views.evaluation_submit, name="evaluation_submit"),
    path("applications/<str:ref>/decide/", views.application_decide, name="application_decide"),
    path("applications/<str:ref>/evidence/", views.evidence_add, name="evidence_add"),
    path("applications/<str:ref>/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
