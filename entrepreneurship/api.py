"""API: guaranteed loans (/api/v1/entrepreneurship/). An applicant files a loan application (a casework case:
its status at /api/v1/cases/{ref}/), or a counter clerk files one for a walk-in borrower; an Idempotency-Key
makes a retried filing safe. A loan's bank and the guarantee fund move the loan; everyone reads the loans they
may see (a bank its own only) and a loan's subsidy for a quarter. Collective credit lines: listed, read with
their drawn loans, granted by a bank's staff, and drawn on at disbursement."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from entrepreneurship import rules, selectors
from entrepreneurship.models import CreditLineHolder, LoanStatus, LoanType
from entrepreneurship.serializers import (
    CreditLineCreateSerializer,
    CreditLineDetailSerializer,
    CreditLineDrawSerializer,
    CreditLineSerializer,
    LoanActionSerializer,
    LoanApplicationCreatedSerializer,
    LoanApplicationCreateSerializer,
    LoanListSerializer,
    LoanSerializer,
    QuarterSubsidySerializer,
)
from entrepreneurship.services.applications import loan_applicant_find, loan_application_file
from entrepreneurship.services.credit_lines import credit_line_create
from entrepreneurship.services.loans import loan_act
from entrepreneurship.services.subsidy import loan_quarter_subsidy, subsidy_contract
from guangyuan_jobs.casework.services.idempotency import idempotent_call, request_fingerprint
from guangyuan_jobs.core.api import query_filters
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.registry.selectors import city_regions

# The one Idempotency-Key mechanism (casework.IdempotencyKey rows), as the subsidy claims API uses it.
IDEMPOTENCY_SCOPE = "entrepreneurship.api.application_create"


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="1 to 128 visible ASCII characters, new for each new application. The same key again (same user) "
                "returns the first response (header `Idempotent-Replayed: true`) and files nothing; the same key "
                "with a different body is refused (422).")


def _walk_in(user, loan_type: str, values: dict | None) -> dict:
    """Whom the application is for: an applicant always themself; a counter clerk the walk-in borrower named."""
    if user.is_applicant:
        return {}
    values = values or {}
    region = None
    if values.get("region"):
        region = city_regions().filter(pk=values["region"]).first()
        if region is None:
            raise serializers.ValidationError({"applicant": {"region": [_("Choose a district of Guangyuan.")]}})
    applicant = loan_applicant_find(loan_type=loan_type, actor=user, id_number=values.get("id_number", ""),
                                    credit_code=values.get("credit_code", ""), name=values.get("name", ""),
                                    region=region)
    return {"applicant": applicant, "region": region}


class LoanApplicationCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="File a loan application (an applicant for themself, a counter clerk for a walk-in borrower)",
        parameters=[IDEMPOTENCY_KEY], request=LoanApplicationCreateSerializer,
        responses={201: LoanApplicationCreatedSerializer,
                   403: OpenApiResponse(description="You may not file this application."),
                   409: OpenApiResponse(description="The applicant already has an open application of this kind."),
                   422: OpenApiResponse(description="The Idempotency-Key was used for a different request.")})
    def post(self, request):
        incoming = LoanApplicationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        user = request.user

        def file_application():
            case = loan_application_file(actor=user, loan_type=values["loan_type"], data=values["data"],
                                         submit=values["submit"],
                                         **_walk_in(user, values["loan_type"], values.get("applicant")))
            application = case.loan_application
            application.refresh_from_db()
            body = {"ref": case.ref, "status": case.status, "url": f"/cases/{case.ref}/",
                    "counter_guarantee_required": application.counter_guarantee_required,
                    "counter_guarantee_explanation": application.counter_guarantee_explanation,
                    "eligibility_issues": (case.details or {}).get("eligibility_issues", []),
                    "filed_at_counter": not user.is_applicant}
            return status.HTTP_201_CREATED, LoanApplicationCreatedSerializer(body).data

        key = request.headers.get("Idempotency-Key")
        if key is None:
            code, body = file_application()
            return Response(body, status=code)
        outcome = idempotent_call(actor=user, scope=IDEMPOTENCY_SCOPE, key=key,
                                  request_hash=request_fingerprint(request.data), call=file_application)
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
        return Response(outcome.body, status=outcome.status, headers=headers)


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


class CreditLineListCreateApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = CreditLineSerializer
    filter_backends: list = []

    @extend_schema(summary="Collective credit lines you may see, with what was drawn and what remains",
                   parameters=[OpenApiParameter("bank", OpenApiTypes.STR, required=False),
                               OpenApiParameter("region", OpenApiTypes.STR, required=False),
                               OpenApiParameter("holder", OpenApiTypes.STR, enum=CreditLineHolder.values,
                                                required=False),
                               OpenApiParameter("in_force_on", OpenApiTypes.DATE, required=False),
                               OpenApiParameter("q", OpenApiTypes.STR, required=False)])
    def get(self, request, *args, **kwargs):
        _may_see_lines(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, bank=serializers.CharField(required=False, max_length=32),
                                region=serializers.CharField(required=False, max_length=12),
                                holder=serializers.ChoiceField(choices=CreditLineHolder.values, required=False),
                                in_force_on=serializers.DateField(required=False),
                                q=serializers.CharField(required=False, max_length=100))
        return selectors.credit_line_list_for(user=self.request.user, filters=filters)

    @extend_schema(summary="Grant a collective credit line (a cooperating bank's staff, for their bank)",
                   request=CreditLineCreateSerializer,
                   responses={201: CreditLineDetailSerializer,
                              403: OpenApiResponse(description="Only a cooperating bank's staff grant lines.")})
    def post(self, request):
        if selectors.bank_of(request.user) is None or not request.user.has_perm("entrepreneurship.add_creditline"):
            raise ForbiddenError(_("Only a cooperating bank's staff grant collective credit lines."))
        incoming = CreditLineCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        line = credit_line_create(data=dict(incoming.validated_data), actor=request.user)
        return Response(_line_detail(request.user, line.code), status=status.HTTP_201_CREATED)


def _may_see_lines(user) -> None:
    if selectors.bank_of(user) is None and not user.has_perm("entrepreneurship.view_creditline"):
        raise ForbiddenError(_("You may not see collective credit lines."))


def _line_detail(user, code: str) -> dict:
    line = selectors.credit_line_get_for(user=user, code=code)
    loans = selectors.credit_line_loans_for(user=user, line=line)
    return CreditLineDetailSerializer(line, context={"loans": loans}).data


class CreditLineDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="A collective credit line: its amount, what was drawn, what remains and the loans drawn",
                   responses=CreditLineDetailSerializer)
    def get(self, request, code):
        return Response(_line_detail(request.user, code))


class CreditLineDrawApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Draw a loan against the line: the loan's bank signs its contract and disburses it on the line",
        description="The same move as the loan's `disburse` action with `credit_line` set: refused (400) when the "
                    "line is not the loan's bank's, not in force on the contract date, for another district, or has "
                    "less left than the principal; two draws at once never overdraw it (the line is locked).",
        request=CreditLineDrawSerializer,
        responses={200: LoanSerializer, 400: OpenApiResponse(description="Refused: see the field's message."),
                   403: OpenApiResponse(description="Only the loan's bank may disburse it."),
                   409: OpenApiResponse(description="The loan changed since `version`.")})
    def post(self, request, code):
        line = selectors.credit_line_get_for(user=request.user, code=code)
        if selectors.bank_of(request.user) is None or not request.user.has_perm(rules.PERMISSIONS[rules.BANK]):
            raise ForbiddenError(_("Only the loan's bank may draw it on a credit line."))
        incoming = CreditLineDrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        loan = selectors.loan_get_for(user=request.user, ref=values.pop("loan"))
        version, comment = values.pop("version"), values.pop("comment")
        moved = loan_act(loan=loan, action="disburse", actor=request.user, version=version, comment=comment,
                         data={**values, "credit_line": line.code})
        return Response(LoanSerializer(moved).data)


urlpatterns = [
    path("applications/", LoanApplicationCreateApi.as_view(), name="entrepreneurship-application-create"),
    path("loans/", LoanListApi.as_view(), name="entrepreneurship-loan-list"),
    path("loans/<str:ref>/", LoanDetailApi.as_view(), name="entrepreneurship-loan-detail"),
    path("loans/<str:ref>/actions/", LoanActionApi.as_view(), name="entrepreneurship-loan-action"),
    path("loans/<str:ref>/subsidy/", LoanSubsidyApi.as_view(), name="entrepreneurship-loan-subsidy"),
    path("credit-lines/", CreditLineListCreateApi.as_view(), name="entrepreneurship-credit-line-list"),
    path("credit-lines/<str:code>/", CreditLineDetailApi.as_view(), name="entrepreneurship-credit-line-detail"),
    path("credit-lines/<str:code>/draws/", CreditLineDrawApi.as_view(), name="entrepreneurship-credit-line-draw"),
]
