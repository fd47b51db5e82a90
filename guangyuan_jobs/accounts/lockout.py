"""What a locked-out client sees (django-axes' AXES_LOCKOUT_CALLABLE): the Chinese page saying when to try
again, or the API's JSON error shape with Retry-After."""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def lockout_retry_at(request):
    """Each failure restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the lock ends one
    cool-off after this attempt; None when locks are permanent."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    return (getattr(request, "axes_attempt_time", None) or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the Chinese page, or the API's JSON error."""
    retry_at = lockout_retry_at(request)
    if request.path.startswith("/api/"):
        return locked_out_json(retry_at)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE,
                  {"retry_at": retry_at, "failure_limit": settings.AXES_FAILURE_LIMIT,
                   "cooloff_minutes": int(get_cool_off(request).total_seconds() // 60) if retry_at else None},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


def locked_out_json(retry_at) -> JsonResponse:
    if retry_at is None:
        message = _("Too many failed sign-ins: this account is locked. Ask the security administrator to unlock it.")
        extra = {}
    else:
        local = timezone.localtime(retry_at)
        message = _("Too many failed sign-ins: this account is locked until %(time)s. Try again after that.") % {
            "time": local.strftime("%Y-%m-%d %H:%M")}
        extra = {"retry_at": local.isoformat(),
                 "retry_after": max(0, math.ceil((retry_at - timezone.now()).total_seconds()))}
    response = JsonResponse({"error": {"code": "locked_out", "message": message, "extra": extra}},
                            status=settings.AXES_HTTP_RESPONSE_CODE)
    if extra:
        response["Retry-After"] = str(extra["retry_after"])
    return response
