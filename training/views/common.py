"""What every training page needs: the role checks and running a service with its refusal shown as a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from training.selectors import institution_for, is_training_staff


def require_staff(user, perm: str = "training.view_trainingpackage") -> None:
    if not is_training_staff(user) or not user.has_perm(perm):
        raise PermissionDenied


def require_institution(user):
    institution = institution_for(user)
    if institution is None:
        raise PermissionDenied
    return institution


def or_404(value):
    if value is None:
        raise Http404
    return value


def attempt(request, action, success: str, form=None) -> bool:
    """Run `action()`; on a refusal show its message (on the form when given) and return False."""
    try:
        action()
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        if form is not None:
            for field, message in exc.extra.items():
                if field in form.fields:
                    form.add_error(field, str(message))
            form.add_error(None, str(exc.message))
        else:
            messages.error(request, str(exc.message))
        return False
    except ValidationError as exc:
        if form is not None:
            form.add_error(None, exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
