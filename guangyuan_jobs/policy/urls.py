from django.urls import path

from guangyuan_jobs.policy import views

app_name = "policy"

urlpatterns = [
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/<str:key>/", views.parameter_history_view, name="parameter_history"),
    path("calendar/", views.calendar, name="calendar"),
]
