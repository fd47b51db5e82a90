"""API of monitoring (/api/v1/monitoring/...): the dashboard's figures, filing a monthly return, the warnings
and their moves. The same selectors and services as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.errors import NotFoundError
from monitoring import selectors, services
from monitoring.forms import DashboardForm, parse_month
from monitoring.serializers import (
    DashboardSerializer,
    ReturnInputSerializer,
    ReturnSerializer,
    WarningSerializer,
    WarningTransitionSerializer,
)
from monitoring.summaries import View, figures_for

ERRORS = {
    400: OpenApiResponse(description="Bad input, or a rule refused it (the message says which)."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such firm or warning for you."),
    409: OpenApiResponse(description="Already filed, or the warning moved since you read it."),
}


class HasPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return not request.user.is_applicant and request.user.has_perm(view.required_permission)


class DashboardApi(APIView):
    permission_classes = [permissions.IsAuthenticated, HasPermission]
    required_permission = "monitoring.view_dashboard"

    @extend_schema(summary="Every dashboard figure for a year (or one of its months) and an area, with the same "
                           "view a year earlier",
                   parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True),
                               OpenApiParameter("month", OpenApiTypes.INT),
                               OpenApiParameter("region", OpenApiTypes.STR,
                                                description="Blank: the whole city (whole-city managers only).")],
                   responses={200: DashboardSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def get(self, request):
        form = DashboardForm(request.query_params, user=request.user)
        if not form.areas:
            raise PermissionDenied
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        view = View(year=form.cleaned_data["year"], month=form.cleaned_data.get("month"),
                    area=form.cleaned_data.get("region") or "")
        query = view.query()
        figures = [{"code": f.indicator.code, "label": str(f.indicator.label), "section": f.indicator.section,
                    "unit": f.indicator.unit, "value": f.value, "previous": f.previous, "change": f.change,
                    "drilldown": f.indicator.drilldown(query) if f.indicator.drilldown else ""}
                   for f in figures_for(view)]
        return Response(DashboardSerializer({"year": view.year, "month": view.month, "region": view.area,
                                             "start": query.start, "end": query.end, "figures": figures}).data)


class ReturnCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="File a monthly return: a firm's account its own, a monitoring clerk any firm of "
                           "their area (credit_code)",
                   request=ReturnInputSerializer, responses={201: ReturnSerializer, **ERRORS})
    def post(self, request):
        payload = ReturnInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if request.user.is_applicant:
            monitored = selectors.monitored_of_account(request.user)
            if monitored is None:
                raise NotFoundError()
        else:
            monitored = selectors.monitored_get_for(user=request.user, credit_code=data.get("credit_code", ""))
        try:
            period = parse_month(data["period"])
        except DjangoValidationError as exc:
            raise ValidationError({"period": exc.messages}) from None
        filed = services.monthly_return_file(monitored=monitored, period=period, data=data, actor=request.user)
        return Response(ReturnSerializer(filed).data, status=201)


class WarningListApi(generics.ListAPIView):
    serializer_class = WarningSerializer
    permission_classes = [permissions.IsAuthenticated, HasPermission]
    required_permission = "monitoring.view_warning"
    filter_backends: list = []

    @extend_schema(summary="Warnings of your area, newest month first",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR,
                                                description="open, acknowledged, handled, closed or unclosed"),
                               OpenApiParameter("level", OpenApiTypes.STR, description="yellow, orange or red")],
                   responses={200: WarningSerializer(many=True), 403: ERRORS[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.warning_list_for(user=self.request.user, filters={
            "status": params.get("status", "")[:16], "level": params.get("level", "")[:8]})


class WarningTransitionApi(APIView):
    permission_classes = [permissions.IsAuthenticated, HasPermission]
    required_permission = "monitoring.view_warning"

    @extend_schema(summary="Acknowledge, handle or close a warning (with a note to handle or close)",
                   request=WarningTransitionSerializer, responses={200: WarningSerializer, **ERRORS})
    def post(self, request, ref):
        warning = selectors.warning_get_for(user=request.user, ref=ref)
        payload = WarningTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        warning = services.warning_transition(warning=warning, actor=request.user, **payload.validated_data)
        return Response(WarningSerializer(warning).data)


urlpatterns = [
    path("dashboard/", DashboardApi.as_view(), name="monitoring-dashboard"),
    path("returns/", ReturnCreateApi.as_view(), name="monitoring-return-create"),
    path("warnings/", WarningListApi.as_view(), name="monitoring-warning-list"),
    path("warnings/<str:ref>/transition/", WarningTransitionApi.as_view(), name="monitoring-warning-transition"),
]
