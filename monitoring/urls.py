from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:credit_code>/returns/<str:month>/", views.return_detail, name="return_detail"),
    path("returns/", views.return_list, name="return_list"),
    path("returns/new/", views.return_new, name="return_new"),
    path("returns/late/", views.late_list, name="late_list"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/rules/", views.rule_list, name="rule_list"),
    path("warnings/<str:ref>/", views.warning_detail, name="warning_detail"),
    path("warnings/<str:ref>/transition/", views.warning_transition, name="warning_transition"),
    path("records/cases/", views.case_records, name="case_records"),
]
