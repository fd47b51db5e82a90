"""API: entrepreneurship events (/api/v1/startup-events/). Everyone who may see events lists them and reads
one (totals, banks, awards); an applicant registers themselves for an open event, staff who organise events
register a walk-in; once the event is full the registration joins the waiting list (201, `status` "waiting" with
its `waiting_position`). The participant, or staff who organise the event, cancel a registration before the event
(its seat goes to the earliest waiting registration). A refusal is the one JSON error shape: 409 when the
participant is already registered or the registration already cancelled, 400 when registration or cancellation
is not open, 403/404 outside one's rights or area (an applicant reaches only their own registrations)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.api import query_filters
from startup_events import selectors
from startup_events.models import EventStatus, EventType, RegistrationStatus
from startup_events.serializers import (
    EventListSerializer,
    EventSerializer,
    RegisterSerializer,
    RegistrationSerializer,
)
from startup_events.services.events import registration_cancel, registration_self, registration_walk_in


def _require_view(user):
    if not selectors.may_view(user):
        raise PermissionDenied()


class EventListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = EventListSerializer
    filter_backends: list = []

    @extend_schema(parameters=[
        OpenApiParameter("event_type", OpenApiTypes.STR, enum=EventType.values, required=False),
        OpenApiParameter("status", OpenApiTypes.STR, enum=EventStatus.values, required=False),
        OpenApiParameter("region", OpenApiTypes.STR, required=False),
        OpenApiParameter("year", OpenApiTypes.INT, required=False),
        OpenApiParameter("q", OpenApiTypes.STR, required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        _require_view(self.request.user)
        filters = query_filters(
            self.request, event_type=serializers.ChoiceField(choices=EventType.values, required=False),
            status=serializers.ChoiceField(choices=EventStatus.values, required=False),
            region=serializers.CharField(required=False, max_length=12),
            year=serializers.IntegerField(required=False, min_value=2000, max_value=2100),
            q=serializers.CharField(required=False, max_length=100))
        return selectors.event_list_for(user=self.request.user, filters=filters)


class EventDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=EventSerializer)
    def get(self, request, ref):
        _require_view(request.user)
        event = selectors.event_get_for(user=request.user, ref=ref)
        event.registered = selectors.seats_taken(event)
        event.totals_ = selectors.event_totals(event)
        event.award_list = selectors.winners(event) if event.is_contest else []
        event.bank_codes = [b.bank.code for b in event.banks.select_related("bank")]
        mine = selectors.own_registration(user=request.user, event=event)
        event.my_registration_ = mine
        event.registered_myself = mine is not None and mine.status != RegistrationStatus.CANCELLED
        return Response(EventSerializer(event).data)


class EventRegisterApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RegisterSerializer, responses={
        201: RegistrationSerializer,
        409: OpenApiResponse(description="The participant already holds a live registration for this event.")})
    def post(self, request, ref):
        user = request.user
        if not user.is_applicant and not user.has_perm(selectors.MANAGE):
            raise PermissionDenied()
        event = selectors.event_get_for(user=user, ref=ref)
        incoming = RegisterSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        if user.is_applicant:
            registration = registration_self(event=event, actor=user, project=values["project"])
        else:
            registration = registration_walk_in(event=event, actor=user, id_number=values["id_number"],
                                                name=values["name"], credit_code=values["credit_code"],
                                                project=values["project"])
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationCancelApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Cancel a registration (its participant, or staff who organise the event), before the event",
        request=None, responses={
            200: RegistrationSerializer,
            400: OpenApiResponse(description="Cancellation is closed: the event is held, or its day has come."),
            409: OpenApiResponse(description="The registration is already cancelled.")})
    def post(self, request, ref, pk):
        user = request.user
        if not user.is_applicant and not user.has_perm(selectors.MANAGE):
            raise PermissionDenied()
        event = selectors.event_get_for(user=user, ref=ref)
        registration = selectors.registration_get_for(user=user, event=event, pk=pk)
        cancelled = registration_cancel(registration=registration, actor=user)
        return Response(RegistrationSerializer(cancelled).data)


urlpatterns = [
    path("events/", EventListApi.as_view(), name="startup-events-event-list"),
    path("events/<str:ref>/", EventDetailApi.as_view(), name="startup-events-event-detail"),
    path("events/<str:ref>/registrations/", EventRegisterApi.as_view(), name="startup-events-event-register"),
    path("events/<str:ref>/registrations/<int:pk>/cancel/", RegistrationCancelApi.as_view(),
         name="startup-events-registration-cancel"),
]
