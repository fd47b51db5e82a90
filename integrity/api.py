"""API: findings (/api/v1/integrity/findings/...) and recoveries (/api/v1/integrity/recoveries/...), scoped
like the pages; decisions and receipts through the same services."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters
from integrity import selectors
from integrity.models import Finding, Recovery, Severity
from integrity.serializers import (
    FindingDecisionSerializer,
    FindingSerializer,
    ReceiptCreateSerializer,
    RecoverySerializer,
)
from integrity.services.findings import finding_dismiss, finding_verify
from integrity.services.recoveries import recovery_receipt_add

ERRORS = {
    400: OpenApiResponse(description="Bad input (e.g. no reason, more than the balance)."),
    403: OpenApiResponse(description="No permission, or you handled the case (maker-checker)."),
    404: OpenApiResponse(description="Not in your area."),
    409: OpenApiResponse(description="Decided or changed since you read it, or a receipt recorded twice."),
}


class _StaffWith(permissions.BasePermission):
    """Staff holding the view's `required_permission`."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and not user.is_applicant and user.has_perm(view.required_permission))


class FindingListApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.view_finding"
    serializer_class = FindingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        filters = query_filters(self.request, status=optional_choice(Finding.Status.values),
                                severity=optional_choice(Severity.values), rule=optional_text(),
                                region=optional_text(), kind=optional_text(), q=optional_text())
        return selectors.finding_list_for(user=self.request.user, filters=filters).select_related("recovery")

    @extend_schema(summary="Suspicious items of your area, newest first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Finding.Status.values),
                               OpenApiParameter("severity", OpenApiTypes.STR, enum=Severity.values),
                               OpenApiParameter("rule", OpenApiTypes.STR, description="A rule's code."),
                               OpenApiParameter("region", OpenApiTypes.STR, description="A region code."),
                               OpenApiParameter("kind", OpenApiTypes.STR, description="A case kind."),
                               OpenApiParameter("q", OpenApiTypes.STR, description="Part of a reference.")],
                   responses={200: FindingSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FindingSerializer(page, many=True).data)


class FindingDetailApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.view_finding"
    serializer_class = FindingSerializer

    @extend_schema(summary="One suspicious item", responses={200: FindingSerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(FindingSerializer(selectors.finding_get_for(user=request.user, ref=ref)).data)


class FindingDecisionApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.verify_finding"
    serializer_class = FindingDecisionSerializer

    @extend_schema(summary="Verify or dismiss a suspicious item, with the reason",
                   request=FindingDecisionSerializer, responses={200: FindingSerializer, **ERRORS})
    def post(self, request, ref):
        finding = selectors.finding_get_for(user=request.user, ref=ref)
        data = FindingDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["decision"] == "verify":
            finding = finding_verify(finding=finding, actor=request.user, reason=values["reason"],
                                     amount=values.get("amount"))
        else:
            finding = finding_dismiss(finding=finding, actor=request.user, reason=values["reason"])
        return Response(FindingSerializer(selectors.finding_get_for(user=request.user, ref=finding.ref)).data)


class RecoveryListApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.view_recovery"
    serializer_class = RecoverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recovery.objects.none()
        filters = query_filters(self.request, status=optional_choice(Recovery.Status.values),
                                method=optional_choice(Recovery.Method.values), region=optional_text(),
                                q=optional_text())
        return selectors.recovery_list_for(user=self.request.user, filters=filters).prefetch_related("receipts")

    @extend_schema(summary="Recoveries of your area with their balances, newest first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Recovery.Status.values),
                               OpenApiParameter("method", OpenApiTypes.STR, enum=Recovery.Method.values),
                               OpenApiParameter("region", OpenApiTypes.STR, description="A region code."),
                               OpenApiParameter("q", OpenApiTypes.STR, description="Part of a reference.")],
                   responses={200: RecoverySerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RecoverySerializer(page, many=True).data)


class RecoveryDetailApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.view_recovery"
    serializer_class = RecoverySerializer

    @extend_schema(summary="One recovery with its receipts", responses={200: RecoverySerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(RecoverySerializer(selectors.recovery_get_for(user=request.user, ref=ref)).data)


class RecoveryReceiptApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, _StaffWith]
    required_permission = "integrity.record_recovery"
    serializer_class = ReceiptCreateSerializer

    @extend_schema(summary="Record money back: a repayment, or an amount withheld from a later payment",
                   request=ReceiptCreateSerializer, responses={201: RecoverySerializer, **ERRORS})
    def post(self, request, ref):
        recovery = selectors.recovery_get_for(user=request.user, ref=ref)
        data = ReceiptCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recovery_receipt_add(recovery=recovery, actor=request.user, **data.validated_data)
        return Response(RecoverySerializer(selectors.recovery_get_for(user=request.user, ref=ref)).data,
                        status=status.HTTP_201_CREATED)


urlpatterns = [
    path("findings/", FindingListApi.as_view(), name="integrity_api_finding_list"),
    path("findings/<str:ref>/", FindingDetailApi.as_view(), name="integrity_api_finding_detail"),
    path("findings/<str:ref>/decision/", FindingDecisionApi.as_view(), name="integrity_api_finding_decision"),
    path("recoveries/", RecoveryListApi.as_view(), name="integrity_api_recovery_list"),
    path("recoveries/<str:ref>/", RecoveryDetailApi.as_view(), name="integrity_api_recovery_detail"),
    path("recoveries/<str:ref>/receipts/", RecoveryReceiptApi.as_view(), name="integrity_api_recovery_receipts"),
]
