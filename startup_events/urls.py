from django.urls import path

from startup_events import views

app_name = "startup_events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_new, name="event_new"),
    path("<str:ref>/", views.event_detail, name="event_detail"),
    path("<str:ref>/act/", views.event_action, name="event_action"),
    path("<str:ref>/register/", views.event_register, name="event_register"),
    path("<str:ref>/registrations/<int:pk>/cancel/", views.registration_cancel_view, name="registration_cancel"),
    path("<str:ref>/attendance/", views.attendance, name="attendance"),
    path("<str:ref>/outcomes/", views.outcome, name="outcome"),
    path("<str:ref>/contest/", views.contest, name="contest"),
    path("<str:ref>/winners/", views.winners, name="winners"),
]
