"""API: payment batches (/api/v1/subsidies/payment-batches/...): finance staff of the batch's area only."""

from django.http import FileResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters
from subsidies import selectors_payments as selectors
from subsidies.models import PaymentBatch, PaymentBatchItem
from subsidies.serializers_payments import (
    PaymentBatchActionSerializer,
    PaymentBatchCreateSerializer,
    PaymentBatchItemSerializer,
    PaymentBatchSerializer,
    ReconciliationSerializer,
    ReturnFileSerializer,
)
from subsidies.services import payments as services

ERRORS = {
    400: OpenApiResponse(description="Bad input, or a rule refuses the move (e.g. the return file does not match)."),
    403: OpenApiResponse(description="Not finance staff, or maker-checker forbids the move."),
    404: OpenApiResponse(description="No such batch in your area."),
    409: OpenApiResponse(description="The batch changed since you read it."),
}
MOVES = {
    "lock": services.payment_batch_lock,
    "approve": services.payment_batch_approve,
    "export": services.payment_batch_export,
    "cancel": services.payment_batch_cancel,
}


class FinanceOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return services.may_manage(request.user)


class _BatchApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, FinanceOnly]

    def batch(self) -> PaymentBatch:
        return selectors.payment_batch_get_for(user=self.request.user, ref=self.kwargs["ref"])

    def respond(self, batch, code=status.HTTP_200_OK):
        batch.refresh_from_db()
        return Response(PaymentBatchSerializer(batch, context={"request": self.request}).data, status=code)


class PaymentBatchListApi(_BatchApi):
    serializer_class = PaymentBatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentBatch.objects.none()
        filters = query_filters(self.request, status=optional_choice(PaymentBatch.Status.values),
                                fund_source=optional_choice(PaymentBatch.FundSource.values), q=optional_text())
        return selectors.payment_batch_list_for(user=self.request.user,
                                                filters={k: filters.get(k) for k in ("status", "fund_source", "q")})

    @extend_schema(summary="Payment batches of your area, newest first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=PaymentBatch.Status.values),
                               OpenApiParameter("fund_source", OpenApiTypes.STR,
                                                enum=PaymentBatch.FundSource.values),
                               OpenApiParameter("q", OpenApiTypes.STR, description="Part of a reference.")],
                   responses={200: PaymentBatchSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PaymentBatchSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(summary="Build a draft batch of the payment orders waiting for a fund",
                   request=PaymentBatchCreateSerializer, responses={201: PaymentBatchSerializer, **ERRORS})
    def post(self, request):
        data = PaymentBatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        batch = services.payment_batch_create(fund_source=values["fund_source"], actor=request.user,
                                              kinds=values.get("kinds") or None, region=values.get("region") or None)
        return self.respond(batch, status.HTTP_201_CREATED)


class PaymentBatchDetailApi(_BatchApi):
    serializer_class = PaymentBatchSerializer

    @extend_schema(summary="One batch, with the moves you may make now", responses={200: PaymentBatchSerializer,
                                                                                   404: ERRORS[404]})
    def get(self, request, ref):
        return self.respond(self.batch())


class PaymentBatchItemsApi(_BatchApi):
    serializer_class = PaymentBatchItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentBatchItem.objects.none()
        filters = query_filters(self.request, status=optional_choice(PaymentBatchItem.Status.values))
        return selectors.payment_batch_items_for(batch=self.batch(), status=filters.get("status") or None)

    @extend_schema(summary="The payments of a batch (accounts masked)",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=PaymentBatchItem.Status.values)],
                   responses={200: PaymentBatchItemSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, ref):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PaymentBatchItemSerializer(page, many=True).data)


class PaymentBatchActionApi(_BatchApi):
    serializer_class = PaymentBatchActionSerializer

    @extend_schema(summary="Move a batch: lock, approve (a colleague), export (the bank file), cancel",
                   request=PaymentBatchActionSerializer, responses={200: PaymentBatchSerializer, **ERRORS})
    def post(self, request, ref):
        batch = self.batch()
        data = PaymentBatchActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        extra = {"reason": values["reason"]} if values["action"] == "cancel" else {}
        MOVES[values["action"]](batch=batch, actor=request.user, version=values["version"], **extra)
        return self.respond(batch)


class PaymentBatchReturnFileApi(_BatchApi):
    serializer_class = ReturnFileSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Upload the bank's return file: each transfer paid or failed with its reason",
                   request={"multipart/form-data": ReturnFileSerializer},
                   responses={200: PaymentBatchSerializer, **ERRORS})
    def post(self, request, ref):
        batch = self.batch()
        data = ReturnFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_batch_reconcile(batch=batch, return_file=data.validated_data["file"], actor=request.user,
                                         version=data.validated_data["version"])
        return self.respond(batch)


class PaymentBatchBankFileApi(_BatchApi):
    serializer_class = None

    @extend_schema(summary="The bank file with full account numbers (needs the reveal permission; audited)",
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]})
    def get(self, request, ref):
        batch = self.batch()
        handle = services.payment_batch_download_open(batch=batch, actor=request.user)
        response = FileResponse(handle, as_attachment=True, filename=f"{batch.ref}.xlsx",
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Cache-Control"] = "private, no-store"
        return response


class PaymentBatchReconciliationApi(_BatchApi):
    serializer_class = ReconciliationSerializer

    @extend_schema(summary="The batch's totals checked every way (RELIABILITY.md: reconciliation)",
                   responses={200: ReconciliationSerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        report = selectors.payment_batch_reconciliation(self.batch())
        body = {name: getattr(report, name) for name in ReconciliationSerializer().fields}
        return Response(ReconciliationSerializer(body).data)


urlpatterns = [
    path("payment-batches/", PaymentBatchListApi.as_view(), name="payment-batch-list"),
    path("payment-batches/<str:ref>/", PaymentBatchDetailApi.as_view(), name="payment-batch-detail"),
    path("payment-batches/<str:ref>/items/", PaymentBatchItemsApi.as_view(), name="payment-batch-items"),
    path("payment-batches/<str:ref>/actions/", PaymentBatchActionApi.as_view(), name="payment-batch-action"),
    path("payment-batches/<str:ref>/return-file/", PaymentBatchReturnFileApi.as_view(),
         name="payment-batch-return-file"),
    path("payment-batches/<str:ref>/bank-file/", PaymentBatchBankFileApi.as_view(), name="payment-batch-bank-file"),
    path("payment-batches/<str:ref>/reconciliation/", PaymentBatchReconciliationApi.as_view(),
         name="payment-batch-reconciliation"),
]
