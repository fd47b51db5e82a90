from django.urls import path

from guangyuan_jobs.registry import views

app_name = "registry"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/lookup/", views.person_lookup, name="person_lookup"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/reveal/", views.person_reveal_view, name="person_reveal"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/reveal/", views.enterprise_reveal_view, name="enterprise_reveal"),
    path("enterprises/<int:pk>/size-class/", views.enterprise_size_class, name="enterprise_size_class"),
]
