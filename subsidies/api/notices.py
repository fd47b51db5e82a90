"""API: 公示 public notices (/api/v1/subsidies/...). The notices and objections to them are public (no sign-in);
publishing and resolving objections are staff actions. The same services as the pages."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.audit.middleware import client_ip
from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters
from subsidies import selectors_notices as selectors
from subsidies.models import Objection
from subsidies.serializers_notices import (
    NoticeDetailSerializer,
    NoticePublishSerializer,
    NoticeSerializer,
    ObjectionInputSerializer,
    ObjectionReceiptSerializer,
    ObjectionResolveSerializer,
    ObjectionSerializer,
)
from subsidies.services import notices as services

ERRORS = {
    400: OpenApiResponse(description="Bad input, or a rule refuses it (e.g. the notice period has ended)."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such notice or objection for you."),
}


class PublicNoticeListApi(generics.ListAPIView):
    serializer_class = NoticeSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    @extend_schema(summary="Public notices (公示), newest first; no login needed",
                   parameters=[OpenApiParameter("kind", OpenApiTypes.STR),
                               OpenApiParameter("current", OpenApiTypes.BOOL, description="Only those running now.")],
                   responses={200: NoticeSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, kind=optional_text(),
                                current=serializers.BooleanField(required=False))
        return selectors.notice_public_list(kind=filters.get("kind", ""), current=filters.get("current", False))


class PublicNoticeDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="One public notice with its entries (masked); no login needed",
                   responses={200: NoticeDetailSerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(NoticeDetailSerializer(selectors.notice_public_get(ref=ref)).data)


class ObjectionLodgeApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Object to an entry of a running notice; no login needed, rate-limited per address",
                   request=ObjectionInputSerializer,
                   responses={201: ObjectionReceiptSerializer, 400: ERRORS[400], 404: ERRORS[404],
                              429: OpenApiResponse(description="Too many objections from your network.")})
    def post(self, request, ref):
        notice = selectors.notice_public_get(ref=ref)
        payload = ObjectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        objection = services.objection_lodge(notice=notice, entry_id=data["entry"], name=data["name"],
                                             contact=data["contact"], text=data["text"],
                                             source_ip=client_ip(request))
        return Response(ObjectionReceiptSerializer(objection).data, status=status.HTTP_201_CREATED)


class MayPublish(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.is_applicant
                    and user.has_perm("casework.publicize_case"))


class NoticePublishApi(APIView):
    permission_classes = [MayPublish]

    @extend_schema(summary="Publish approved cases of one kind as a public notice",
                   request=NoticePublishSerializer, responses={201: NoticeDetailSerializer, **ERRORS})
    def post(self, request):
        payload = NoticePublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        notice = services.notice_publish(kind=data["kind"], actor=request.user, case_refs=data["refs"],
                                         title=data["title"])
        return Response(NoticeDetailSerializer(notice).data, status=status.HTTP_201_CREATED)


class ObjectionAccess(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.is_applicant
                    and user.has_perm("subsidies.change_objection"))


class ObjectionListApi(generics.ListAPIView):
    serializer_class = ObjectionSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectionAccess]
    filter_backends: list = []

    @extend_schema(summary="Objections against cases in your area, newest first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=list(Objection.Status.values))],
                   responses={200: ObjectionSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, status=optional_choice(Objection.Status.values))
        return selectors.objection_list_for(user=self.request.user, status=filters.get("status", ""))


class ObjectionResolveApi(APIView):
    permission_classes = [permissions.IsAuthenticated, ObjectionAccess]

    @extend_schema(summary="Decide an objection: dismissed (payment may go ahead) or upheld (the case is refused)",
                   request=ObjectionResolveSerializer,
                   responses={200: ObjectionSerializer, **ERRORS,
                              409: OpenApiResponse(description="Already decided.")})
    def post(self, request, pk):
        objection = selectors.objection_get_for(user=request.user, objection_id=pk)
        payload = ObjectionResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        objection = services.objection_resolve(objection=objection, upheld=data["outcome"] == Objection.Status.UPHELD,
                                               resolution=data["resolution"], actor=request.user)
        return Response(ObjectionSerializer(selectors.objection_get_for(user=request.user,
                                                                        objection_id=objection.pk)).data)


urlpatterns = [
    path("public-notices/", PublicNoticeListApi.as_view(), name="subsidies-public-notice-list"),
    path("public-notices/<str:ref>/", PublicNoticeDetailApi.as_view(), name="subsidies-public-notice-detail"),
    path("public-notices/<str:ref>/objections/", ObjectionLodgeApi.as_view(), name="subsidies-objection-lodge"),
    path("notices/", NoticePublishApi.as_view(), name="subsidies-notice-publish"),
    path("objections/", ObjectionListApi.as_view(), name="subsidies-objection-list"),
    path("objections/<int:pk>/resolve/", ObjectionResolveApi.as_view(), name="subsidies-objection-resolve"),
]
