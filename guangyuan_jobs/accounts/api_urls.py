from django.urls import path

from guangyuan_jobs.accounts.api import TokenObtainApi

urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="api-token"),
]
