"""API: roster imports for 免申即享 stable-post refunds (staff), and the firm's confirmation of its refund
(/api/v1/subsidies/...). The same services as the pages."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.api import optional_choice, query_filters
from subsidies import selectors_roster as selectors
from subsidies.models import RosterImport
from subsidies.serializers_roster import (
    RefundConfirmSerializer,
    RefundSerializer,
    RosterImportDetailSerializer,
    RosterImportInputSerializer,
    RosterImportSerializer,
)
from subsidies.services import roster as services

ERRORS = {
    400: OpenApiResponse(description="Bad input: a refused file (zip bomb, macros, not .xlsx...), a bad year, or a "
                                     "policy parameter missing for the year."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such import or refund for you."),
}


class RosterAccess(permissions.BasePermission):
    """Reading needs subsidies.view_rosterimport; starting an import subsidies.add_rosterimport (checked by the
    service too)."""

    def has_permission(self, request, view):
        return selectors.roster_imports_visible(request.user)


class RosterImportListApi(generics.ListAPIView):
    serializer_class = RosterImportSerializer
    permission_classes = [permissions.IsAuthenticated, RosterAccess]
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []

    @extend_schema(summary="Roster imports, newest first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=list(RosterImport.Status.values)),
                               OpenApiParameter("premium_year", OpenApiTypes.INT)],
                   responses={200: RosterImportSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(
            self.request, status=optional_choice(RosterImport.Status.values),
            premium_year=serializers.IntegerField(required=False, min_value=1900, max_value=9999))
        return selectors.roster_import_list_for(user=self.request.user, status=filters.get("status", ""),
                                                premium_year=filters.get("premium_year", ""))

    @extend_schema(summary="Upload a roster: a preview (dry run) by default, processed in the background",
                   description="Poll the import until its status is `previewed` (or `completed`, or `failed`). "
                               "Then POST to its `import/` to import the same file for real.",
                   request={"multipart/form-data": RosterImportInputSerializer},
                   responses={202: RosterImportSerializer, **ERRORS})
    def post(self, request):
        payload = RosterImportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        roster = services.roster_import_start(file=data["file"], premium_year=data["premium_year"],
                                              dry_run=data["dry_run"], actor=request.user)
        roster.refresh_from_db()
        return Response(RosterImportSerializer(roster).data, status=status.HTTP_202_ACCEPTED)


class RosterImportDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, RosterAccess]

    @extend_schema(summary="One roster import: progress, counts, and the rows shown in its preview",
                   responses={200: RosterImportDetailSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        roster = selectors.roster_import_get_for(user=request.user, import_id=pk)
        return Response(RosterImportDetailSerializer(roster).data)


class RosterImportCommitApi(APIView):
    permission_classes = [permissions.IsAuthenticated, RosterAccess]

    @extend_schema(summary="Import a finished preview's file for real (idempotent: the same import comes back)",
                   request=None, responses={202: RosterImportSerializer, **ERRORS,
                                            409: OpenApiResponse(description="Not a finished preview.")})
    def post(self, request, pk):
        preview = selectors.roster_import_get_for(user=request.user, import_id=pk)
        roster = services.roster_import_commit(preview=preview, actor=request.user)
        roster.refresh_from_db()
        return Response(RosterImportSerializer(roster).data, status=status.HTTP_202_ACCEPTED)


class EnterpriseApplicant(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_applicant and user.enterprise_id)


class RefundListApi(generics.ListAPIView):
    serializer_class = RefundSerializer
    permission_classes = [permissions.IsAuthenticated, EnterpriseApplicant]
    filter_backends: list = []

    @extend_schema(summary="The firm's stable-post refunds found without application (免申即享)",
                   responses={200: RefundSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.refunds_for(user=self.request.user)


class RefundConfirmApi(APIView):
    permission_classes = [permissions.IsAuthenticated, EnterpriseApplicant]

    @extend_schema(summary="Confirm a refund and give the account to pay it to; the case is then submitted",
                   request=RefundConfirmSerializer,
                   responses={200: RefundSerializer, **ERRORS,
                              409: OpenApiResponse(description="No longer waiting for confirmation.")})
    def post(self, request, ref):
        detail = selectors.refund_get_for(user=request.user, ref=ref)
        payload = RefundConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.refund_confirm(case=detail.case, bank_name=data["bank_name"], account_name=data["account_name"],
                                account=data["account"], actor=request.user)
        return Response(RefundSerializer(selectors.refund_get_for(user=request.user, ref=ref)).data)


urlpatterns = [
    path("roster-imports/", RosterImportListApi.as_view(), name="subsidies-roster-import-list"),
    path("roster-imports/<uuid:pk>/", RosterImportDetailApi.as_view(), name="subsidies-roster-import-detail"),
    path("roster-imports/<uuid:pk>/import/", RosterImportCommitApi.as_view(), name="subsidies-roster-import-commit"),
    path("refunds/", RefundListApi.as_view(), name="subsidies-refund-list"),
    path("refunds/<str:ref>/confirm/", RefundConfirmApi.as_view(), name="subsidies-refund-confirm"),
]
