"""Session limits and the gates a signed-in staff member passes before any page: TOTP, then password age."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.rules import password_expired, session_expired
from guangyuan_jobs.accounts.signals import SESSION_STARTED_KEY
from guangyuan_jobs.audit.services import audit_log

API_PREFIX = "/api/"

# Pages a gated user may still reach: leaving, the gates themselves, health checks, language, static files.
_ALWAYS_OPEN = frozenset({"accounts:logout", "accounts:login", "healthz", "set_language"})
_OTP_PAGES = frozenset({"accounts:otp_verify", "accounts:otp_setup"})
_PASSWORD_PAGES = frozenset({"accounts:password_change"})


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


class SessionLimitsMiddleware:
    """Ends a session SESSION_ABSOLUTE_HOURS after sign-in, however active. (The idle limit is the session
    cookie age, renewed on each request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now.isoformat()
            elif session_expired(started_at=datetime.datetime.fromisoformat(started), now=now,
                                 max_hours=settings.SESSION_ABSOLUTE_HOURS):
                audit_log(actor=user, event_type="auth.session_expired", obj=user)
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    messages.info(request, _("Your session has ended. Please sign in again."))
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """A staff member signed in by password must pass TOTP (when REQUIRE_STAFF_OTP) and, when their password
    is older than STAFF_PASSWORD_MAX_AGE_DAYS, change it, before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_staff_member) or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        name = _url_name(request)
        if name in _ALWAYS_OPEN:
            return self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        if settings.REQUIRE_STAFF_OTP and not user.is_verified():
            if name in _OTP_PAGES:
                return self.get_response(request)
            if is_api:
                return _api_error("second_factor_required",
                                  _("Confirm your sign-in with your authenticator app first."), 403)
            return self._redirect(request, "accounts:otp_verify")
        if password_expired(changed_at=user.password_changed_at, joined_at=user.date_joined, now=timezone.now(),
                            max_age_days=settings.STAFF_PASSWORD_MAX_AGE_DAYS):
            if name in _PASSWORD_PAGES:
                return self.get_response(request)
            if is_api:
                return _api_error("password_expired", _("Your password has expired. Change it first."), 403)
            messages.warning(request, _("Your password is older than %(days)d days. Choose a new one to continue.")
                             % {"days": settings.STAFF_PASSWORD_MAX_AGE_DAYS})
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _redirect(request, url_name: str):
        # The verify page sends a user without a confirmed authenticator on to the setup page.
        target = reverse(url_name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
