from django.urls import include, path

from bench.loadserver.views import BareCreate, bare_json

urlpatterns = [
    path("bench/json/", bare_json),
    path("bench/rows/", BareCreate.as_view()),
    path("", include("guangyuan_jobs.urls")),
]
