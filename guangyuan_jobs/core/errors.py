"""One error vocabulary for services, pages and the API (HackSoft's ApplicationError)."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule refused the action; the message is shown to the user as it is."""

    http_status = 400
    default_code = "invalid"

    def __init__(self, message, *, code: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """The object moved on since the actor saw it (status or version changed)."""

    http_status = 409
    default_code = "conflict"


class ForbiddenError(ApplicationError):
    """The actor may not take this action on this object."""

    http_status = 403
    default_code = "forbidden"


class NotFoundError(ApplicationError):
    http_status = 404
    default_code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Not found."), **kwargs)
