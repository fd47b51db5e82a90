"""API /api/v1/priority-groups/: the caseload (scoped like the pages), a person's file, service records and
the group reports. Thin: selectors read, services write."""

import datetime

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.api import query_filters
from guangyuan_jobs.core.errors import NotFoundError
from priority_groups import selectors
from priority_groups.models import EmploymentStatusKind, ServiceType
from priority_groups.serializers import (
    GroupReportSerializer,
    PersonFileSerializer,
    PersonSummarySerializer,
    ServiceRecordInputSerializer,
    ServiceRecordSerializer,
)
from priority_groups.services.common import MANAGE
from priority_groups.services.plans import service_record_create


class CaseloadPermission(permissions.BasePermission):
    """Reading needs view_caseload, writing manage_caseload; applicants never."""

    def has_permission(self, request, view):
        if not selectors.may_view(request.user):
            return False
        return request.method in permissions.SAFE_METHODS or request.user.has_perm(MANAGE)


def _person_or_404(user, pk):
    person = selectors.person_get_for(user=user, pk=pk)
    if person is None:
        raise NotFoundError()
    return person


class PersonListApi(generics.ListAPIView):
    permission_classes = [CaseloadPermission]
    serializer_class = PersonSummarySerializer

    @extend_schema(summary="Priority-group people in your area, with today's groups and status", parameters=[
        OpenApiParameter("group", OpenApiTypes.STR, description="A group code, e.g. graduate."),
        OpenApiParameter("name", OpenApiTypes.STR), OpenApiParameter("region", OpenApiTypes.STR),
        OpenApiParameter("status", OpenApiTypes.STR, enum=EmploymentStatusKind.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(
            self.request, group=serializers.CharField(required=False, max_length=40),
            name=serializers.CharField(required=False, max_length=64),
            region=serializers.CharField(required=False, max_length=12),
            status=serializers.ChoiceField(choices=EmploymentStatusKind.choices, required=False))
        return selectors.person_list_for(user=self.request.user, **{k: v for k, v in filters.items() if v})


class PersonFileApi(APIView):
    permission_classes = [CaseloadPermission]

    @extend_schema(summary="A person's file (一人一档): groups, status history, household state, registration",
                   responses={200: PersonFileSerializer, 404: OpenApiResponse(description="Not in your area.")})
    def get(self, request, pk):
        person = _person_or_404(request.user, pk)
        file = selectors.person_file(person)
        person.groups_now = list(selectors.current_memberships(timezone.localdate()).filter(person=person))
        person.status_now = [file.current_status] if file.current_status else []
        open_follow_up = file.follow_ups.filter(done_on__isnull=True, cancelled=False).first()
        data = {"person": person, "memberships": file.memberships, "statuses": file.statuses,
                "zero_employment_household": file.household.zero_employment if file.household else None,
                "registered_unemployed": selectors.is_registered_unemployed(person, on=timezone.localdate()),
                "person_times": file.services.count(),
                "next_follow_up": open_follow_up.due_on if open_follow_up else None}
        return Response(PersonFileSerializer(data).data)


class PersonServiceApi(APIView):
    permission_classes = [CaseloadPermission]

    @extend_schema(summary="Record a service given to the person (one person-time)",
                   request=ServiceRecordInputSerializer,
                   responses={201: ServiceRecordSerializer, 400: OpenApiResponse(description="Bad input."),
                              404: OpenApiResponse(description="Not in your area.")})
    def post(self, request, pk):
        person = _person_or_404(request.user, pk)
        data = ServiceRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = service_record_create(person=person, actor=request.user, **data.validated_data)
        return Response(ServiceRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ServiceListApi(generics.ListAPIView):
    permission_classes = [CaseloadPermission]
    serializer_class = ServiceRecordSerializer

    @extend_schema(summary="Service records in your area (each one person-time)", parameters=[
        OpenApiParameter("service_type", OpenApiTypes.STR, enum=ServiceType.values),
        OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE),
        OpenApiParameter("group", OpenApiTypes.STR)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = query_filters(
            self.request, service_type=serializers.ChoiceField(choices=ServiceType.choices, required=False),
            start=serializers.DateField(required=False), end=serializers.DateField(required=False),
            group=serializers.CharField(required=False, max_length=40))
        return selectors.service_list_for(user=self.request.user, **{k: v for k, v in filters.items() if v})


class GroupReportApi(APIView):
    permission_classes = [CaseloadPermission]

    @extend_schema(summary="A group's figures for a year in your area, by district or by village", parameters=[
        OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("by", OpenApiTypes.STR,
                                                                     enum=["district", "village"])],
        responses={200: GroupReportSerializer, 404: OpenApiResponse(description="No such group.")})
    def get(self, request, group):
        if group not in dict(selectors.group_choices()):
            raise NotFoundError()
        today = timezone.localdate()
        filters = query_filters(request, year=serializers.IntegerField(required=False, min_value=2000,
                                                                        max_value=today.year),
                                by=serializers.ChoiceField(choices=["district", "village"], required=False))
        year = filters.get("year") or today.year
        end = min(datetime.date(year, 12, 31), today)
        total, rows = selectors.group_report_for(user=request.user, group=group, start=datetime.date(year, 1, 1),
                                                 end=end, by=filters.get("by") or "district")
        return Response(GroupReportSerializer({"total": total, "rows": rows}).data)


urlpatterns = [
    path("people/", PersonListApi.as_view(), name="api_person_list"),
    path("people/<int:pk>/", PersonFileApi.as_view(), name="api_person_file"),
    path("people/<int:pk>/services/", PersonServiceApi.as_view(), name="api_person_services"),
    path("services/", ServiceListApi.as_view(), name="api_service_list"),
    path("reports/<str:group>/", GroupReportApi.as_view(), name="api_group_report"),
]
