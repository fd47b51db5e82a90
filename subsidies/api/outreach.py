"""API: outreach (/api/v1/subsidies/...): public service guides; briefing sessions and policy pushes for the
policy officer, scoped to their area like the pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.core.api import optional_choice, query_filters
from guangyuan_jobs.core.errors import NotFoundError
from subsidies import selectors_outreach as selectors
from subsidies.forms_outreach import BriefingFilterForm, PushFilterForm
from subsidies.serializers_outreach import (
    BriefingSessionSerializer,
    GuideSerializer,
    GuideSummarySerializer,
    PolicyPushDetailSerializer,
    PolicyPushInputSerializer,
    PolicyPushRecipientSerializer,
    PolicyPushSerializer,
    PushPreviewSerializer,
)
from subsidies.services import outreach as services

ERRORS = {
    400: OpenApiResponse(description="Bad input, or a rule refuses it (e.g. a region outside your area)."),
    403: OpenApiResponse(description="Your role may not do this."),
}
FILTER_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this date."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Up to this date."),
    OpenApiParameter("kind", OpenApiTypes.STR, description="A kind code, e.g. JNTS."),
]


class StaffPermission(permissions.BasePermission):
    """Reading needs the model's view permission, writing its add permission; applicants never."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated) or user.is_applicant:
            return False
        needed = view.add_permission if request.method == "POST" else view.view_permission
        return user.has_perm(needed)


def _filters(form) -> dict:
    if form.is_bound and not form.is_valid():
        raise exceptions.ValidationError(form.errors)
    return form.filters()


class GuideListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="Service guides (办事指南): one per subsidy kind; no login needed",
                   responses={200: GuideSummarySerializer(many=True)})
    def get(self, request):
        rows = [{"code": code, "label": get_kind(code).label, "applicant_type": get_kind(code).applicant_type,
                 "applicant_label": selectors.service_applicant_label(code),
                 "summary": selectors.GUIDES[code].summary} for code in selectors.guide_kind_codes()]
        return Response(GuideSummarySerializer(rows, many=True).data)


class GuideDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="One service guide: who qualifies, standards with their documents, materials, steps "
                           "with time limits, promised and actual working days",
                   responses={200: GuideSerializer, 404: OpenApiResponse(description="No guide for this kind.")})
    def get(self, request, code):
        try:
            guide = selectors.service_guide(code.upper())
        except LookupError:
            raise NotFoundError() from None
        return Response(GuideSerializer(guide).data)


class BriefingListApi(generics.ListCreateAPIView):
    serializer_class = BriefingSessionSerializer
    permission_classes = [StaffPermission]
    view_permission = "subsidies.view_briefingsession"
    add_permission = "subsidies.add_briefingsession"
    filter_backends: list = []

    def get_queryset(self):
        form = BriefingFilterForm(self.request.query_params or None, user=self.request.user)
        return selectors.briefing_list_for(user=self.request.user, filters=_filters(form))

    @extend_schema(summary="Briefing sessions (宣讲会) in your area",
                   parameters=[*FILTER_PARAMETERS, OpenApiParameter("region", OpenApiTypes.STR,
                                                                     description="A region code and all below it.")],
                   responses={200: BriefingSessionSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Record a briefing session", request=BriefingSessionSerializer,
                   responses={201: BriefingSessionSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        payload = BriefingSessionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        session = services.briefing_session_record(actor=request.user, region=data.pop("region_id"),
                                                   kinds=data.pop("kinds", []), **data)
        return Response(BriefingSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class PushListApi(generics.ListCreateAPIView):
    serializer_class = PolicyPushSerializer
    permission_classes = [StaffPermission]
    view_permission = "subsidies.view_policypush"
    add_permission = "subsidies.add_policypush"
    filter_backends: list = []

    def get_queryset(self):
        form = PushFilterForm(self.request.query_params or None)
        return selectors.push_list_for(user=self.request.user, filters=_filters(form))

    @extend_schema(summary="Policy pushes sent in your area",
                   parameters=[*FILTER_PARAMETERS, OpenApiParameter("status", OpenApiTypes.STR)],
                   responses={200: PolicyPushSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Send a policy push", description="Picks the recipients by the target rule, records them "
                   "(phones masked) and sends in the background; poll the push for its progress.",
                   request=PolicyPushInputSerializer, responses={201: PolicyPushDetailSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        payload = PolicyPushInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        message = data["message"]
        if not message and data["kind"] in selectors.guide_kind_codes():
            message = selectors.push_default_message(kind_code=data["kind"], guide_url=request.build_absolute_uri(
                reverse("subsidies:guide_detail", args=[data["kind"]])))
        push = services.policy_push_start(kind=data["kind"], target=data["target"], channel=data["channel"],
                                          message=message, region=data["region"], actor=request.user)
        push.refresh_from_db()
        return Response(PolicyPushDetailSerializer(push).data, status=status.HTTP_201_CREATED)


class PushPreviewApi(APIView):
    permission_classes = [StaffPermission]
    view_permission = add_permission = "subsidies.add_policypush"

    @extend_schema(summary="How many a push would reach, without sending", request=PolicyPushInputSerializer,
                   responses={200: PushPreviewSerializer, **ERRORS})
    def post(self, request):
        payload = PolicyPushInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["kind"] not in selectors.guide_kind_codes():
            raise exceptions.ValidationError({"kind": [_("Unknown kind.")]})
        if data["region"] and not selectors.region_in_scope(request.user, data["region"]):
            raise PermissionDenied
        preview = selectors.push_preview(user=request.user, kind_code=data["kind"], target=data["target"],
                                         region=data["region"])
        return Response(PushPreviewSerializer(preview).data)


class PushDetailApi(APIView):
    permission_classes = [StaffPermission]
    view_permission = add_permission = "subsidies.view_policypush"

    @extend_schema(summary="One policy push with its progress", responses={200: PolicyPushDetailSerializer,
                                                                          404: OpenApiResponse(description="Not in "
                                                                                               "your area.")})
    def get(self, request, pk):
        push = selectors.push_get_for(user=request.user, pk=pk)
        if push is None:
            raise NotFoundError()
        return Response(PolicyPushDetailSerializer(push).data)


class PushRecipientListApi(generics.ListAPIView):
    serializer_class = PolicyPushRecipientSerializer
    permission_classes = [StaffPermission]
    view_permission = add_permission = "subsidies.view_policypush"
    filter_backends: list = []

    def get_queryset(self):
        push = selectors.push_get_for(user=self.request.user, pk=self.kwargs["pk"])
        if push is None:
            raise NotFoundError()
        filters = query_filters(self.request, status=optional_choice(["pending", "sent", "failed"]))
        return selectors.push_recipients_for(push, status=filters.get("status", ""))

    @extend_schema(summary="Who a push reached (names and phones masked)",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["pending", "sent", "failed"])],
                   responses={200: PolicyPushRecipientSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("guides/", GuideListApi.as_view(), name="outreach-guide-list"),
    path("guides/<str:code>/", GuideDetailApi.as_view(), name="outreach-guide-detail"),
    path("briefings/", BriefingListApi.as_view(), name="outreach-briefing-list"),
    path("pushes/", PushListApi.as_view(), name="outreach-push-list"),
    path("pushes/preview/", PushPreviewApi.as_view(), name="outreach-push-preview"),
    path("pushes/<int:pk>/", PushDetailApi.as_view(), name="outreach-push-detail"),
    path("pushes/<int:pk>/recipients/", PushRecipientListApi.as_view(), name="outreach-push-recipients"),
]
