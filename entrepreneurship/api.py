"""API: guaranteed loans (/api/v1/entrepreneurship/). An applicant files a loan application (a casework case:
its status at /api/v1/cases/{ref}/); a loan's bank and the guarantee fund move the loan; everyone reads the
loans they may see (a bank its own only) and a loan's subsidy for a quarter."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from entrepreneurship import selectors
from entrepreneurship.models import LoanStatus, LoanType
from entrepreneurship.serializers import (
    LoanActionSerializer,
    LoanApplicationCreatedSerializer,
    LoanApplicationCreateSerializer,
    LoanListSerializer,
    LoanSerializer,
    QuarterSubsidySerializer,
)
from entrepreneurship.services.applications import loan_application_file
from entrepreneurship.services.loans import loan_act
from entrepreneurship.services.subsidy import loan_quarter_subsidy, subsidy_contract
from guangyuan_jobs.core.api import query_filters
from guangyuan_jobs.core.errors import ApplicationError


class LoanApplicationCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=LoanApplicationCreateSerializer, responses={201: LoanApplicationCreatedSerializer})
    def post(self, request):
        incoming = LoanApplicationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = loan_application_file(actor=request.user, loan_type=incoming.validated_data["loan_type"],
                                     data=incoming.validated_data["data"], submit=incoming.validated_data["submit"])
        application = case.loan_application
        application.refresh_from_db()
        body = {"ref": case.ref, "status": case.status, "url": f"/cases/{case.ref}/",
                "counter_guarantee_required": application.counter_guarantee_required,
                "counter_guarantee_explanation": application.counter_guarantee_explanation,
                "eligibility_issues": (case.details or {}).get("eligibility_issues", [])}
        return Response(LoanApplicationCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class LoanListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LoanListSerializer
    filter_backends: list = []

    @extend_schema(parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=LoanStatus.values, required=False),
        OpenApiParameter("loan_type", OpenApiTypes.STR, enum=LoanType.values, required=False),
        OpenApiParameter("bank", OpenApiTypes.STR, required=False),
        OpenApiParameter("region", OpenApiTypes.STR, required=False),
        OpenApiParameter("q", OpenApiTypes.STR, required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, status=serializers.ChoiceField(choices=LoanStatus.values, required=False),
                                loan_type=serializers.ChoiceField(choices=LoanType.values, required=False),
                                bank=serializers.CharField(required=False, max_length=32),
                                region=serializers.CharField(required=False, max_length=12),
                                q=serializers.CharField(required=False, max_length=100))
        return selectors.loan_list_for(user=self.request.user, filters=filters)


class LoanDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=LoanSerializer)
    def get(self, request, ref):
        return Response(LoanSerializer(selectors.loan_get_for(user=request.user, ref=ref)).data)


class LoanActionApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=LoanActionSerializer, responses=LoanSerializer)
    def post(self, request, ref):
        loan = selectors.loan_get_for(user=request.user, ref=ref)
        incoming = LoanActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        moved = loan_act(loan=loan, action=values["action"], actor=request.user, version=values["version"],
                         comment=values["comment"], data=values["data"])
        return Response(LoanSerializer(moved).data)


class LoanSubsidyApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True),
                               OpenApiParameter("quarter", OpenApiTypes.INT, required=True)],
                   responses=QuarterSubsidySerializer)
    def get(self, request, ref):
        loan = selectors.loan_get_for(user=request.user, ref=ref)
        values = query_filters(request, year=serializers.IntegerField(min_value=2019, max_value=2100),
                               quarter=serializers.IntegerField(min_value=1, max_value=4))
        if loan.disbursed_on is None:
            raise ApplicationError(_("The loan is not disbursed yet."), code="not_disbursed")
        result = loan_quarter_subsidy(loan, year=values["year"], quarter=values["quarter"])
        return Response(QuarterSubsidySerializer({
            "year": values["year"], "quarter": values["quarter"], "amount": result.amount, "days": result.days,
            "balance_at_end": result.balance_at_end, "explanation": result.explanation(subsidy_contract(loan))}).data)


urlpatterns = [
    path("applications/", LoanApplicationCreateApi.as_view(), name="entrepreneurship-application-create"),
    path("loans/", LoanListApi.as_view(), name="entrepreneurship-loan-list"),
    path("loans/<str:ref>/", LoanDetailApi.as_view(), name="entrepreneurship-loan-detail"),
    path("loans/<str:ref>/actions/", LoanActionApi.as_view(), name="entrepreneurship-loan-action"),
    path("loans/<str:ref>/subsidy/", LoanSubsidyApi.as_view(), name="entrepreneurship-loan-subsidy"),
]
