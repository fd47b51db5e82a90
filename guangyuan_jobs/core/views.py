import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from guangyuan_jobs.core.middleware import database_unavailable_error, database_unavailable_response

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Everyone lands on the first page of their own menu: applicants their claims, clerks the inbox,
    the security administrator the lockouts, and so on."""
    from guangyuan_jobs.accounts.context_processors import navigation

    items = navigation(request)["nav_items"]
    return redirect(items[0]["url"] if items else "accounts:profile")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency is "unhealthy", never a 500
            logger.warning("health check %s failed: %s", name, exc.__class__.__name__)
            checks[name] = "unavailable"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                        status=200 if healthy else 503)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """An address no route matches: the API's JSON error shape under /api/, the HTML page elsewhere."""
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """A request Django refuses before any view (too many fields, a malformed upload)."""
    if _is_api(request):
        return JsonResponse({"error": {"code": "bad_request", "message": _("The request could not be read.")}},
                            status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    # Django calls this while handling the exception: a database out of reach is a 503 to retry, not a 500.
    if (db_error := database_unavailable_error(sys.exc_info()[1])) is not None:
        return database_unavailable_response(request, db_error)
    if _is_api(request):
        return JsonResponse({"error": {"code": "server_error",
                                       "message": _("Something went wrong on our side. Please try again later.")}},
                            status=500)
    return defaults.server_error(request)
