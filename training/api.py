"""API /api/v1/training/: packages (public once published), sign-ups, classes and their trainees, draws (public)
and running one. The same services and selectors as the pages."""

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.api import optional_choice, optional_text, query_filters
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.registry.services import person_get_or_create
from training import selectors
from training.models import TrainingClass, TrainingPackage
from training.serializers import (
    ClassDetailSerializer,
    ClassInputSerializer,
    ClassSerializer,
    DrawRunSerializer,
    PackageSerializer,
    SessionSerializer,
    SignUpCheckSerializer,
    SignUpInputSerializer,
    SignUpSerializer,
    TraineeInputSerializer,
    TraineeSerializer,
)
from training.services import delivery, draws, packages
from training.services.common import require_perm
from training.verification import draw_record

ERRORS = {
    400: OpenApiResponse(description="Bad input, or a rule refuses it."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such object for you."),
    409: OpenApiResponse(description="It changed meanwhile (already published, frozen, drawn...)."),
}


def _found(value):
    if value is None:
        raise NotFoundError()
    return value


def _package(request, ref):
    return _found(selectors.package_get_for(user=request.user, ref=ref))


class PackageListApi(generics.ListAPIView):
    serializer_class = PackageSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    @extend_schema(summary="Training packages: published ones for everyone, every package of their area for staff",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=TrainingPackage.Status.values),
                               OpenApiParameter("q", OpenApiTypes.STR)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = query_filters(self.request, status=optional_choice(TrainingPackage.Status.values),
                               q=optional_text())
        return selectors.package_list_for(user=self.request.user, status=params.get("status", ""),
                                          q=params.get("q", "")[:100])


class PackageDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="One training package with its conditions and, once frozen, its pool",
                   responses={200: PackageSerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(PackageSerializer(_package(request, ref)).data)


class PackageActionApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    action = ""

    @extend_schema(request=None, responses={200: PackageSerializer, **ERRORS})
    def post(self, request, ref):
        package = _package(request, ref)
        service = packages.package_publish if self.action == "publish" else packages.pool_freeze
        return Response(PackageSerializer(service(package=package, actor=request.user)).data)


class PackagePublishApi(PackageActionApi):
    action = "publish"

    @extend_schema(summary="Publish a draft package (training officer)", request=None,
                   responses={200: PackageSerializer, **ERRORS})
    def post(self, request, ref):
        return super().post(request, ref)


class PoolFreezeApi(PackageActionApi):
    action = "freeze"

    @extend_schema(summary="Freeze the eligible pool of a package after its deadline (training officer)",
                   request=None, responses={200: PackageSerializer, **ERRORS})
    def post(self, request, ref):
        return super().post(request, ref)


class SignUpListApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Sign-ups of a package: the institution's own, or all of them for staff of its area",
                   responses={200: SignUpSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, ref):
        package = _package(request, ref)
        return Response(SignUpSerializer(selectors.signup_list_for(user=request.user, package=package),
                                         many=True).data)

    @extend_schema(summary="Sign up for a published package (the institution's account)",
                   request={"multipart/form-data": SignUpInputSerializer, "application/json": SignUpInputSerializer},
                   responses={201: SignUpSerializer, **ERRORS})
    def post(self, request, ref):
        package = _package(request, ref)
        institution = selectors.institution_for(request.user)
        if institution is None:
            raise PermissionDenied()
        payload = SignUpInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signup = packages.signup_submit(package=package, institution=institution, actor=request.user,
                                        **payload.validated_data)
        return Response(SignUpSerializer(signup).data, status=status.HTTP_201_CREATED)


class SignUpCheckApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Record the check of a sign-up against the package's conditions (training officer)",
                   request=SignUpCheckSerializer, responses={200: SignUpSerializer, **ERRORS})
    def post(self, request, pk):
        signup = _found(selectors.signup_list_for(user=request.user).filter(pk=pk).first())
        require_perm(request.user)  # a role that may not check hears so before anything about its input
        payload = SignUpCheckSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signup = packages.signup_check(signup=signup, actor=request.user, **payload.validated_data)
        return Response(SignUpSerializer(signup).data)


class ClassListApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Classes: the institution's own, or those of the staff member's area",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=TrainingClass.Status.values)],
                   responses={200: ClassSerializer(many=True)})
    def get(self, request):
        params = query_filters(request, status=optional_choice(TrainingClass.Status.values))
        qs = selectors.class_list_for(user=request.user, status=params.get("status", ""))
        return Response(ClassSerializer(qs[:500], many=True).data)

    @extend_schema(summary="File a class under a package the institution was drawn for (开班备案)",
                   request=ClassInputSerializer, responses={201: ClassSerializer, **ERRORS})
    def post(self, request):
        payload = ClassInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        package = _package(request, data.pop("package"))
        training_class = delivery.class_file(package=package, actor=request.user, **data)
        return Response(ClassSerializer(training_class).data, status=status.HTTP_201_CREATED)


class ClassDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="One class with its roster (ID numbers masked)",
                   responses={200: ClassDetailSerializer, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(ClassDetailSerializer(_found(selectors.class_get_for(user=request.user, ref=ref))).data)


class TraineeAddApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Add a person to a class's roster (the institution or a training officer)",
                   request=TraineeInputSerializer, responses={201: TraineeSerializer, **ERRORS})
    def post(self, request, ref):
        training_class = _found(selectors.class_get_for(user=request.user, ref=ref))
        payload = TraineeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            person = person_get_or_create(id_number=payload.validated_data["id_number"],
                                          name=payload.validated_data["name"], actor=request.user)
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages), code="id_number_invalid") from None
        trainee = delivery.trainee_add(training_class=training_class, person=person, actor=request.user)
        return Response(TraineeSerializer(trainee).data, status=status.HTTP_201_CREATED)


class SessionListApi(generics.ListAPIView):
    serializer_class = SessionSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    @extend_schema(summary="Draw sessions, newest first; no login needed")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.session_public_list()


class SessionRecordApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="The full public record of a draw session (what bin/verify_draw.py checks)",
                   responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]})
    def get(self, request, ref):
        return Response(draw_record(_found(selectors.session_public_get(ref=ref))))


class SessionRunApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Run an announced draw with the public numbers announced on site (training officer)",
                   request=DrawRunSerializer, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request, ref):
        session = _found(selectors.session_public_get(ref=ref))
        payload = DrawRunSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = draws.session_draw(session=session, actor=request.user, **payload.validated_data)
        return Response(draw_record(session))


urlpatterns = [
    path("packages/", PackageListApi.as_view(), name="training-package-list"),
    path("packages/<str:ref>/", PackageDetailApi.as_view(), name="training-package-detail"),
    path("packages/<str:ref>/publish/", PackagePublishApi.as_view(), name="training-package-publish"),
    path("packages/<str:ref>/freeze/", PoolFreezeApi.as_view(), name="training-package-freeze"),
    path("packages/<str:ref>/signups/", SignUpListApi.as_view(), name="training-signup-list"),
    path("signups/<int:pk>/check/", SignUpCheckApi.as_view(), name="training-signup-check"),
    path("classes/", ClassListApi.as_view(), name="training-class-list"),
    path("classes/<str:ref>/", ClassDetailApi.as_view(), name="training-class-detail"),
    path("classes/<str:ref>/trainees/", TraineeAddApi.as_view(), name="training-trainee-add"),
    path("draws/", SessionListApi.as_view(), name="training-draw-list"),
    path("draws/<str:ref>/", SessionRecordApi.as_view(), name="training-draw-record"),
    path("draws/<str:ref>/run/", SessionRunApi.as_view(), name="training-draw-run"),
]
