"""What every priority-groups page shares: the permission gates and turning service errors into form errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from priority_groups import selectors
from priority_groups.services.common import MANAGE


def require_view(user) -> None:
    if not selectors.may_view(user):
        raise PermissionDenied


def require_manage(user) -> None:
    require_view(user)
    if not user.has_perm(MANAGE):
        raise PermissionDenied


def person_or_404(user, pk: int):
    person = selectors.person_get_for(user=user, pk=pk)
    if person is None:
        raise Http404
    return person


def add_service_error(form, exc: Exception) -> None:
    """A service's refusal onto the form: field errors on their fields, anything else on the form."""
    if isinstance(exc, NotFoundError):
        raise Http404 from None
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    elif isinstance(exc, ApplicationError):
        form.add_error(None, str(exc.message))
    else:
        raise exc


SERVICE_ERRORS = (ValidationError, ApplicationError)
