"""API: online subsidy claims (/api/v1/subsidies/claims/). File a draft or file and submit at once, correct a
draft, submit, withdraw. The status timeline, missing materials and due dates are casework's
(/api/v1/cases/{ref}/); materials are uploaded on the case page."""

from django.db import transaction
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.audit.services import audit_deferred
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.services.cases import savepoints_elided
from guangyuan_jobs.casework.services.idempotency import idempotent_call, request_fingerprint
from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters
from guangyuan_jobs.policy.selectors import policy_reads_cached
from guangyuan_jobs.registry.models import Region
from subsidies import selectors_claims as selectors
from subsidies.serializers_claims import (
    CLAIM_CREATE_SCHEMA,
    ClaimCreateSerializer,
    ClaimListSerializer,
    ClaimSerializer,
    ClaimUpdateSchema,
    ClaimUpdateSerializer,
    ClaimWithdrawSerializer,
)
from subsidies.services import claims as services

ERRORS = {
    400: OpenApiResponse(description="Bad input: `error.fields` names each field and says what is wrong."),
    403: OpenApiResponse(description="You may not do this (e.g. file for someone else)."),
    404: OpenApiResponse(description="No such claim among those you may see."),
    409: OpenApiResponse(description="The claim moved on, or a live claim or benefit already covers it "
                                     "(`error.extra.ref` names it), or a limit of the kind is reached."),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="1 to 128 visible ASCII characters, new for each new request. The same key again returns the "
                "first response (header `Idempotent-Replayed: true`); with a different request it is refused "
                "(422).")
KEY_REUSED = {422: OpenApiResponse(description="The Idempotency-Key was used for a different request.")}


class ClaimAccess(permissions.BasePermission):
    """Applicants work on their own claims; counter clerks on those they file for walk-in applicants."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated
                    and (user.is_applicant or user.has_perm("casework.view_case")
                         or user.has_perm("casework.file_case_for_other")))


def _replayed(outcome) -> Response:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return Response(outcome.body, status=outcome.status, headers=headers)


def _in_one_transaction(call):
    """`call` as it runs inside one transaction (idempotent_call's, or the view's own), which any error
    rolls back whole, so the services need no savepoints of their own (two round trips each) and the audit
    events are written together."""

    def run():
        with savepoints_elided(), audit_deferred():
            return call()

    return run


def _applicant(user, kind: str, walk_in: dict | None, *, submit: bool) -> dict:
    """Whom the claim is for: an applicant always themself (an `applicant` sent along is ignored); a counter
    clerk the walk-in applicant named."""
    if user.is_applicant:
        return services.claim_applicant_own(kind=kind, actor=user, lock=submit)
    walk_in = walk_in or {}
    region = Region.objects.filter(pk=walk_in.get("region")).first() if walk_in.get("region") else None
    applicant = services.claim_applicant_find(kind=kind, actor=user, id_number=walk_in.get("id_number", ""),
                                              credit_code=walk_in.get("credit_code", ""),
                                              name=walk_in.get("name", ""), region=region)
    key = "applicant_person" if get_kind(kind).applicant_type == "person" else "applicant_enterprise"
    return {key: applicant}


class ClaimListCreateApi(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, ClaimAccess]
    serializer_class = ClaimListSerializer
    filter_backends: list = []

    def get_queryset(self):
        filters = query_filters(self.request, kind=optional_text(), status=optional_choice(CaseStatus.values))
        return selectors.claim_list_for(user=self.request.user, filters={k: v for k, v in filters.items() if v})

    @extend_schema(
        summary="Your subsidy claims (counter clerks: the claims in their area)",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind (e.g. SYBZJ)."),
                    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values,
                                     description="Only this status.")],
        responses={200: ClaimListSerializer(many=True)},
    )
    @policy_reads_cached()
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ClaimListSerializer(page, many=True).data)

    @extend_schema(
        summary="File a claim: a draft, or filed and submitted at once",
        description="`data` holds the kind's claim data (see each kind's schema). An applicant files for "
                    "themself; a counter clerk names the walk-in applicant in `applicant` (ID number or credit "
                    "code, and the name). Status, amounts and the applicant's identity are never taken from "
                    "`data`.",
        request=CLAIM_CREATE_SCHEMA, parameters=[IDEMPOTENCY_KEY],
        responses={201: ClaimSerializer, **ERRORS, **KEY_REUSED},
    )
    @policy_reads_cached()
    def post(self, request):
        payload = ClaimCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        user = request.user

        def file_claim():
            case = services.claim_file(kind=values["kind"], actor=user, data=values["data"], submit=values["submit"],
                                       **_applicant(user, values["kind"], values.get("applicant"),
                                                    submit=values["submit"]))
            return 201, ClaimSerializer(case, context={"request": request}).data

        key = request.headers.get("Idempotency-Key")
        if key is None:
            with transaction.atomic():
                status, body = _in_one_transaction(file_claim)()
            return Response(body, status=status)
        return _replayed(idempotent_call(
            actor=user, scope="subsidies.api.claim_create", key=key,
            request_hash=request_fingerprint(request.data), call=_in_one_transaction(file_claim)))


class ClaimDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, ClaimAccess]

    @extend_schema(summary="One claim: its data, the findings of the rules and the amount with its reasons",
                   responses={200: ClaimSerializer, 404: ERRORS[404]})
    @policy_reads_cached()
    def get(self, request, ref):
        case = selectors.claim_get_for(user=request.user, ref=ref)
        return Response(ClaimSerializer(case, context={"request": request}).data)

    @extend_schema(
        summary="Correct a draft (or a claim returned for correction)",
        description="Only `data` is read, and in it only the kind's fields: the fields sent change, the others "
                    "stay. `status`, `approved_amount`, `applicant` and the like are ignored.",
        request=ClaimUpdateSchema, responses={200: ClaimSerializer, **ERRORS},
    )
    @policy_reads_cached()
    def patch(self, request, ref):
        case = selectors.claim_get_for(user=request.user, ref=ref)
        payload = ClaimUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.claim_update_draft(case=case, actor=request.user, data=payload.validated_data["data"])
        return Response(ClaimSerializer(case, context={"request": request}).data)


class ClaimSubmitApi(APIView):
    permission_classes = [permissions.IsAuthenticated, ClaimAccess]

    @extend_schema(
        summary="Submit a draft, or resubmit a corrected claim",
        description="Submitting a claim you already submitted returns it unchanged.",
        request=None, parameters=[IDEMPOTENCY_KEY], responses={200: ClaimSerializer, **ERRORS, **KEY_REUSED},
    )
    @policy_reads_cached()
    def post(self, request, ref):
        case = selectors.claim_get_for(user=request.user, ref=ref)
        user = request.user

        def submit():
            submitted = services.claim_submit(case=case, actor=user)
            return 200, ClaimSerializer(submitted, context={"request": request}).data

        key = request.headers.get("Idempotency-Key")
        if key is None:
            status, body = submit()
            return Response(body, status=status)
        return _replayed(idempotent_call(
            actor=user, scope="subsidies.api.claim_submit", key=key,
            request_hash=request_fingerprint({"ref": ref, "body": request.data}),
            call=_in_one_transaction(submit)))


class ClaimWithdrawApi(APIView):
    permission_classes = [permissions.IsAuthenticated, ClaimAccess]

    @extend_schema(summary="Withdraw a claim not yet decided", request=ClaimWithdrawSerializer,
                   responses={200: ClaimSerializer, **ERRORS})
    @policy_reads_cached()
    def post(self, request, ref):
        case = selectors.claim_get_for(user=request.user, ref=ref)
        payload = ClaimWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.claim_withdraw(case=case, actor=request.user, version=payload.validated_data.get("version"))
        return Response(ClaimSerializer(case, context={"request": request}).data)


urlpatterns = [
    path("claims/", ClaimListCreateApi.as_view(), name="subsidies-claim-list"),
    path("claims/<str:ref>/", ClaimDetailApi.as_view(), name="subsidies-claim-detail"),
    path("claims/<str:ref>/submit/", ClaimSubmitApi.as_view(), name="subsidies-claim-submit"),
    path("claims/<str:ref>/withdraw/", ClaimWithdrawApi.as_view(), name="subsidies-claim-withdraw"),
]
