from django.urls import path

from guangyuan_jobs.notices import api

app_name = "notices_api"

urlpatterns = [
    path("", api.NoticeListApi.as_view(), name="notice_list"),
    path("inbox/", api.InboxApi.as_view(), name="inbox"),
    path("inbox/read/", api.InboxReadApi.as_view(), name="inbox_read"),
    path("<str:number>/", api.NoticeDetailApi.as_view(), name="notice_detail"),
    path("<str:number>/pdf/", api.NoticePdfApi.as_view(), name="notice_pdf"),
]
