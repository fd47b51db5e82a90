from django.urls import path

from entrepreneurship import views

app_name = "entrepreneurship"

urlpatterns = [
    path("", views.loan_list, name="loan_list"),
    path("apply/", views.application_new, name="application_new"),
    path("apply/counter/", views.application_walk_in, name="application_walk_in"),
    path("figures/", views.city_figures, name="city_figures"),
    path("loans/<str:ref>/", views.loan_detail, name="loan_detail"),
    path("loans/<str:ref>/act/", views.loan_action, name="loan_action"),
    path("credit-lines/", views.credit_line_list, name="credit_line_list"),
    path("credit-lines/<str:code>/", views.credit_line_detail, name="credit_line_detail"),
    path("subsidy/", views.upload_list, name="upload_list"),
    path("subsidy/<uuid:pk>/", views.upload_detail, name="upload_detail"),
    path("subsidy/<uuid:pk>/progress/", views.upload_progress, name="upload_progress"),
    path("subsidy/<uuid:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("subsidy/<uuid:pk>/claim/", views.upload_claim, name="upload_claim"),
]
