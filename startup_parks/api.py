"""API: entrepreneurship parks (/api/v1/parks/). The parks one may see (an operator its own, the Center's staff
their area), a park with its certificates and applications, an application's score sheet, and the operator's
application for certification or re-evaluation with evidence (multipart: `evidence_<criterion code>` files)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.api import query_filters
from startup_parks import selectors
from startup_parks.models import ParkKind, ParkLevel, ParkStatus
from startup_parks.serializers import ApplicationSerializer, ApplyRequestSerializer, ParkListSerializer, ParkSerializer
from startup_parks.services.certification import certification_apply

MAX_FILES = 30


class ParkListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ParkListSerializer
    filter_backends: list = []

    @extend_schema(parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=ParkKind.values, required=False),
        OpenApiParameter("level", OpenApiTypes.STR, enum=ParkLevel.values, required=False),
        OpenApiParameter("status", OpenApiTypes.STR, enum=ParkStatus.values, required=False),
        OpenApiParameter("region", OpenApiTypes.STR, required=False),
        OpenApiParameter("q", OpenApiTypes.STR, required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(self.request, kind=serializers.ChoiceField(choices=ParkKind.values, required=False),
                                level=serializers.ChoiceField(choices=ParkLevel.values, required=False),
                                status=serializers.ChoiceField(choices=ParkStatus.values, required=False),
                                region=serializers.CharField(required=False, max_length=12),
                                q=serializers.CharField(required=False, max_length=100))
        return selectors.park_list_for(user=self.request.user, filters=filters)


class ParkDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ParkSerializer)
    def get(self, request, ref):
        return Response(ParkSerializer(selectors.park_get_for(user=request.user, ref=ref)).data)


class ParkApplyApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ApplyRequestSerializer}, responses={201: ApplicationSerializer})
    def post(self, request, ref):
        park = selectors.park_get_for(user=request.user, ref=ref)
        incoming = ApplyRequestSerializer(data={"note": request.data.get("note", "")})
        incoming.is_valid(raise_exception=True)
        evidence = {}
        for key in request.FILES:
            if not key.startswith("evidence_"):
                raise serializers.ValidationError({key: ["Name evidence files evidence_<criterion code>."]})
            evidence[key[len("evidence_"):]] = request.FILES.getlist(key)
        if sum(len(files) for files in evidence.values()) > MAX_FILES:
            raise serializers.ValidationError({"evidence": [f"At most {MAX_FILES} files."]})
        application = certification_apply(park=park, evidence=evidence, note=incoming.validated_data["note"],
                                          actor=request.user)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ApplicationSerializer)
    def get(self, request, ref):
        return Response(ApplicationSerializer(selectors.application_get_for(user=request.user, ref=ref)).data)


urlpatterns = [
    path("", ParkListApi.as_view(), name="startup-parks-park-list"),
    path("applications/<str:ref>/", ApplicationDetailApi.as_view(), name="startup-parks-application-detail"),
    path("<str:ref>/", ParkDetailApi.as_view(), name="startup-parks-park-detail"),
    path("<str:ref>/apply/", ParkApplyApi.as_view(), name="startup-parks-apply"),
]
