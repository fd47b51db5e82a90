"""API (/api/v1/notices/): the notices a user may read, their PDFs, issue on demand; the applicant's inbox."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.selectors import case_scope
from guangyuan_jobs.core.api import query_filters
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.notices import selectors
from guangyuan_jobs.notices.forms import NoticeFilterForm
from guangyuan_jobs.notices.models import Notice
from guangyuan_jobs.notices.serializers import (
    FormalNoticeIssueSerializer,
    FormalNoticeSerializer,
    InboxMessageSerializer,
    InboxReadSerializer,
)
from guangyuan_jobs.notices.services.notices import notice_download_audit, notice_issue
from guangyuan_jobs.notices.services.notifications import inbox_mark_read


class NoticeListApi(generics.ListAPIView):
    serializer_class = FormalNoticeSerializer
    filter_backends = ()

    @extend_schema(summary="Notices you may read: applicants their own cases', staff their area's",
                   parameters=[OpenApiParameter("kind", OpenApiTypes.STR), OpenApiParameter("q", OpenApiTypes.STR,
                               description="A case reference or a notice number."),
                               OpenApiParameter("issued_from", OpenApiTypes.DATE),
                               OpenApiParameter("issued_to", OpenApiTypes.DATE)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = NoticeFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return selectors.notice_list_for(user=self.request.user, filters=form.filters())

    @extend_schema(summary="Issue a case's notice on demand (idempotent: an issued one is returned)",
                   request=FormalNoticeIssueSerializer,
                   responses={200: FormalNoticeSerializer, 201: FormalNoticeSerializer,
                              404: OpenApiResponse(description="No case with that reference in your area."),
                              503: OpenApiResponse(description="No Chinese font is installed.")})
    def post(self, request):
        data = FormalNoticeIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_scope(Case.objects.all(), user=request.user).filter(ref=data.validated_data["case"]).first()
        if case is None:
            raise NotFoundError()
        before = Notice.objects.filter(case=case).count()
        notice = notice_issue(case=case, kind=data.validated_data["kind"], actor=request.user)
        created = Notice.objects.filter(case=case).count() > before
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(FormalNoticeSerializer(notice).data, status=code)


class NoticeDetailApi(APIView):
    @extend_schema(summary="One notice", responses=FormalNoticeSerializer)
    def get(self, request, number):
        return Response(FormalNoticeSerializer(selectors.notice_get_for(user=request.user, number=number)).data)


class NoticePdfApi(APIView):
    @extend_schema(summary="The notice's PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number):
        notice = selectors.notice_get_for(user=request.user, number=number)
        notice_download_audit(notice=notice, actor=request.user)
        return FileResponse(notice.file.open("rb"), content_type="application/pdf", filename=f"{notice.number}.pdf")


class InboxApi(generics.ListAPIView):
    serializer_class = InboxMessageSerializer
    filter_backends = ()

    @extend_schema(summary="Your portal messages, newest first",
                   parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, unread=serializers.BooleanField(required=False))
        return selectors.inbox_for(user=self.request.user, unread_only=filters.get("unread", False))


class InboxReadApi(APIView):
    # JSON only: a form body carries no list, and an unreadable one must not fall back to "mark everything".
    parser_classes = [JSONParser]

    @extend_schema(summary="Mark your messages read", request=InboxReadSerializer,
                   responses={200: OpenApiResponse(description='{"marked": n, "unread": n}')})
    def post(self, request):
        data = InboxReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = inbox_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": selectors.inbox_unread_count(user=request.user)})
