from django.urls import path

from guangyuan_jobs.casework import api

urlpatterns = [
    path("", api.CaseListApi.as_view(), name="case-list"),
    path("<str:ref>/", api.CaseDetailApi.as_view(), name="case-detail"),
    path("<str:ref>/transitions/", api.CaseTransitionApi.as_view(), name="case-transition"),
]
