"""Load shedding: beyond capacity the portal answers 503 with Retry-After, quickly, instead of queueing until
clients time out (or a worker is killed mid-request and the client sees a 500 or a reset).

Each web process lets LOAD_SHED_CONCURRENCY requests work at once; a request that finds no free slot within
LOAD_SHED_WAIT_SECONDS is refused with 503 and `Retry-After: LOAD_SHED_RETRY_AFTER`. Meant for threaded
workers (gunicorn --worker-class gthread with more threads than slots), where waiting requests are visible to
the process. 0 (the default) turns it off. A refused request did nothing, so a retry is always safe; drafts and
acknowledged submissions are never at stake."""

import threading

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/healthz", "/static/")


class LoadShedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        slots = getattr(settings, "LOAD_SHED_CONCURRENCY", 0)
        self.slots = threading.BoundedSemaphore(slots) if slots > 0 else None
        self.wait_seconds = getattr(settings, "LOAD_SHED_WAIT_SECONDS", 2.0)
        self.retry_after = str(getattr(settings, "LOAD_SHED_RETRY_AFTER", 5))

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
        return response
