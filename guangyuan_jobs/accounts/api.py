"""`POST /api/v1/auth/token/`: a DRF token for user name and password, and the second factor: a TOTP code for
staff, a texted code for applicants (the first call without `sms_code` sends it)."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.accounts import services
from guangyuan_jobs.accounts.lockout import locked_out_json, lockout_retry_at
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.CharField(max_length=8, required=False, allow_blank=True,
                                      help_text="Six-digit TOTP code; required for staff outside the demo.")
    sms_code = serializers.CharField(max_length=8, required=False, allow_blank=True,
                                     help_text="The code texted to an applicant; call first without it to have it "
                                               "sent.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong user name or password, or missing fields."),
            403: OpenApiResponse(description="Second factor missing or wrong (for an applicant without `sms_code`: "
                                             "the code has just been texted, code `sms_code_sent`)."),
            429: OpenApiResponse(description="Locked out after too many failures; see Retry-After."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # django-axes counts and locks on the Django request; DRF's wrapper would hide its flags from the
        # middleware.
        django_request = request._request
        user = authenticate(request=django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return locked_out_json(lockout_retry_at(django_request))
        if user is None:
            raise ApplicationError(_("The user name or password is wrong."), code="invalid_credentials")
        if user.is_staff_member and settings.REQUIRE_STAFF_OTP:
            if not services.otp_confirmed_devices(user):
                raise ForbiddenError(_("Set up your authenticator app by signing in to the website first."),
                                     code="second_factor_required")
            if services.otp_verify(user=user, token=data.get("otp_token", "")) is None:
                raise ForbiddenError(_("The authenticator code is missing, wrong or already used."),
                                     code="second_factor_required")
        if services.login_sms_required(user):
            source_ip = django_request.META.get("REMOTE_ADDR")
            if not data.get("sms_code"):
                services.login_sms_send(user=user, requested_ip=source_ip)
                raise ForbiddenError(_("A sign-in code was sent to your phone. Send it as sms_code with your user "
                                       "name and password."), code="sms_code_sent")
            try:
                services.login_sms_verify(user=user, code=data["sms_code"], source_ip=source_ip)
            except ValidationError as exc:
                raise ForbiddenError(" ".join(exc.messages), code="second_factor_required") from None
        token = services.api_token_issue(user=user)
        return Response({"token": token.key})
