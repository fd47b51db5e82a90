from django.urls import include, path

from bench.loadserver.views import BareCreate, bare_json
from guangyuan_jobs.urls import handler400, handler404, handler500  # noqa: F401 - the portal's own error pages

urlpatterns = [
    path("bench/json/", bare_json),
    path("bench/rows/", BareCreate.as_view()),
    path("", include("guangyuan_jobs.urls")),
]
