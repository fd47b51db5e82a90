from django.urls import path

from guangyuan_jobs.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("messages/", views.notification_list, name="notification_list"),
    path("time-limits/", views.time_limits, name="time_limits"),
    path("cases/<str:ref>/issue/", views.notice_issue_view, name="notice_issue"),
    path("<str:number>/", views.notice_download, name="notice_download"),
]
