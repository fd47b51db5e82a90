"""Load shedding: beyond capacity the portal answers 503 with Retry-After, quickly, instead of queueing until
clients time out (or a worker is killed mid-request and the client sees a 500 or a reset).

Each web process lets LOAD_SHED_CONCURRENCY requests work at once; a request that finds no free slot within
LOAD_SHED_WAIT_SECONDS is refused with 503 and `Retry-After: LOAD_SHED_RETRY_AFTER`. Meant for threaded
workers (gunicorn --worker-class gthread with more threads than slots), where waiting requests are visible to
the process. 0 (the default) turns it off. A refused request did nothing, so a retry is always safe; drafts and
acknowledged submissions are never at stake.

The same 503 answers a database out of reach (see `database_unavailable_response` below)."""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

EXEMPT_PREFIXES = ("/healthz", "/static/")
# Shedding is the middleware working, not an error per request: one warning per this many seconds counts them,
# instead of Django logging each 503 as an error (hundreds a second in overload, itself a cost).
SHED_LOG_INTERVAL_SECONDS = 60


class LoadShedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        slots = getattr(settings, "LOAD_SHED_CONCURRENCY", 0)
        self.slots = threading.BoundedSemaphore(slots) if slots > 0 else None
        self.wait_seconds = getattr(settings, "LOAD_SHED_WAIT_SECONDS", 2.0)
        self.retry_after = str(getattr(settings, "LOAD_SHED_RETRY_AFTER", 5))
        self._shed_lock = threading.Lock()
        self._shed_count = 0
        self._shed_logged_at = float("-inf")

    def __call__(self, request):
        if self.slots is None or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if not self.slots.acquire(timeout=self.wait_seconds):
            return self._overloaded(request)
        try:
            return self.get_response(request)
        finally:
            self.slots.release()

    def _overloaded(self, request):
        message = _("The service is busy right now. Nothing was changed; please try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": {"code": "overloaded", "message": message}}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = self.retry_after
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # counted below, not logged by Django as an error
        self._count_shed()
        return response

    def _count_shed(self) -> None:
        now = time.monotonic()
        with self._shed_lock:
            self._shed_count += 1
            if now - self._shed_logged_at < SHED_LOG_INTERVAL_SECONDS:
                return
            count, self._shed_count, self._shed_logged_at = self._shed_count, 0, now
        logger.warning("Overloaded: %d request(s) answered 503 (Retry-After %s s) since the last report", count,
                       self.retry_after)


# --- the database out of reach ---------------------------------------------------------------------------------
# A lost or refused database connection (PostgreSQL restarting, a failover, a network cut) is not the portal's
# bug but a moment to wait: 503 with Retry-After, never a 500. What the applicant was told was saved was committed
# before the answer went out, so it survives; the rest can be sent again (the same Idempotency-Key makes that safe).
# Used by the API's exception handler (core/api.py) and the 500 handler (core/views.py), which sees what fails in
# a page view or in a middleware.

DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_error(exc: BaseException | None) -> BaseException | None:
    """The connection-level database error behind `exc` (itself, or what it was raised from or while), if any."""
    for _depth in range(5):
        if exc is None or isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def database_unavailable_message() -> str:
    return _("The database cannot be reached right now, so this request may not have been completed. Please try "
             "again in a few seconds; what you were told was saved is not lost.")


def database_unavailable_retry_after() -> str:
    return str(getattr(settings, "DB_UNAVAILABLE_RETRY_AFTER", 5))


def log_database_unavailable(request, exc: BaseException) -> None:
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    logger.error("database unavailable, answered 503: %s %s: %s: %s", request.method, request.path,
                 exc.__class__.__name__, first_line)


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{message}</p></body></html>
"""


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """503 + Retry-After: the API's JSON error under /api/, a short page elsewhere (rendered without the
    database: no template context processors, no session)."""
    log_database_unavailable(request, exc)
    message = database_unavailable_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "database_unavailable", "message": message}}, status=503)
    else:
        response = HttpResponse(
            UNAVAILABLE_PAGE.format(lang=escape(get_language() or settings.LANGUAGE_CODE),
                                    title=escape(_("Service temporarily unavailable")), message=escape(message)),
            status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = database_unavailable_retry_after()
    response["Cache-Control"] = "no-store"
    return response
