from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from guangyuan_jobs.core import views as core_views

api_v1 = [
    path("auth/", include("guangyuan_jobs.accounts.api_urls")),
    path("cases/", include("guangyuan_jobs.casework.api_urls")),
    path("exports/", include("guangyuan_jobs.reports.api_urls")),
    path("subsidies/", include("subsidies.api_urls")),
    path("training/", include("training.api_urls")),
    path("entrepreneurship/", include("entrepreneurship.api_urls")),
    path("priority-groups/", include("priority_groups.api_urls")),
    path("monitoring/", include("monitoring.api_urls")),
    path("integrity/", include("integrity.api_urls")),
    path("notices/", include("guangyuan_jobs.notices.api_urls")),
    path("stat-reports/", include("stat_reports.api_urls")),
    path("parks/", include("startup_parks.api_urls")),
    path("startup-events/", include("startup_events.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("guangyuan_jobs.accounts.urls")),
    path("cases/", include("guangyuan_jobs.casework.urls")),
    path("exports/", include("guangyuan_jobs.reports.urls")),
    path("audit/", include("guangyuan_jobs.audit.urls")),
    path("registry/", include("guangyuan_jobs.registry.urls")),
    path("policy/", include("guangyuan_jobs.policy.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("training/", include("training.urls")),
    path("entrepreneurship/", include("entrepreneurship.urls")),
    path("priority-groups/", include("priority_groups.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("integrity/", include("integrity.urls")),
    path("notices/", include("guangyuan_jobs.notices.urls")),
    path("stat-reports/", include("stat_reports.urls")),
    path("parks/", include("startup_parks.urls")),
    path("startup-events/", include("startup_events.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# Under /api/ an unreadable request, an unmatched address or a crash answer in the API's JSON error shape.
handler400 = "guangyuan_jobs.core.views.bad_request"
handler404 = "guangyuan_jobs.core.views.page_not_found"
handler500 = "guangyuan_jobs.core.views.server_error"
