from django.urls import path

from stat_reports.api import StatFormApi

urlpatterns = [path("", StatFormApi.as_view(), name="stat-form")]
