"""The case API: a scoped list, one case with its history and allowed actions, and the guarded transition."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.casework import selectors, services
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.serializers import CaseDetailSerializer, CaseListSerializer, TransitionInputSerializer
from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Bad input, or a rule refuses the action (e.g. materials missing)."),
    403: OpenApiResponse(description="The role may not do this, or maker-checker forbids it."),
    404: OpenApiResponse(description="No such case in your area."),
}


class CaseAccess(permissions.BasePermission):
    """Applicants see their own claims; staff need the case-viewing permission (then their area applies)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_applicant or user.has_perm("casework.view_case")))


class CaseListApi(generics.ListAPIView):
    serializer_class = CaseListSerializer
    permission_classes = [permissions.IsAuthenticated, CaseAccess]
    filter_backends: list = []

    @extend_schema(
        summary="Cases in your area (applicants: your own claims)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values, description="Only this status."),
            OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind (e.g. SYBZJ)."),
            OpenApiParameter("region", OpenApiTypes.STR,
                             description="A region code: that region and the towns and villages below it."),
        ],
        responses={200: CaseListSerializer(many=True), 403: ERROR_RESPONSES[403]},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, status=optional_choice(CaseStatus.values), kind=optional_text(),
                                region=optional_text())
        return selectors.case_list_for(user=self.request.user, filters={k: v for k, v in filters.items() if v})


class CaseDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, CaseAccess]

    @extend_schema(summary="One case, with its history, missing materials and the actions you may take now",
                   responses={200: CaseDetailSerializer, 404: ERROR_RESPONSES[404]})
    def get(self, request, ref):
        case = selectors.case_get_for(user=request.user, ref=ref)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseTransitionApi(APIView):
    permission_classes = [permissions.IsAuthenticated, CaseAccess]

    @extend_schema(
        summary="Move a case: accept, review, approve, pay, ...",
        description="`version` is the case's version you read. 409 when the case moved since (status or "
                    "version changed): read it again. `missing_materials` is required for `accept_incomplete`.",
        request=TransitionInputSerializer,
        responses={200: CaseDetailSerializer, **ERROR_RESPONSES,
                   409: OpenApiResponse(description="The case changed since you read it.")},
    )
    def post(self, request, ref):
        case = selectors.case_get_for(user=request.user, ref=ref)
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        extra = {"missing_materials": data["missing_materials"]} if "missing_materials" in data else None
        case = services.case_transition(case=case, action=data["action"], actor=request.user,
                                        version=data["version"], comment=data["comment"], data=extra)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)
