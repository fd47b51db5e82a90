"""What every training service needs: the permission check, the area check and fresh public references."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.core.errors import ForbiddenError, NotFoundError

MANAGE = "training.manage_training"
REFERENCE_ATTEMPTS = 5


def require_perm(actor, perm: str = MANAGE) -> None:
    if actor is None or not actor.is_authenticated or actor.is_applicant or not actor.has_perm(perm):
        raise ForbiddenError(_("Your role may not do this."))


def require_in_area(actor, obj, *, region_field: str = "region") -> None:
    """Staff act only on rows of their own area (NotFound, as if the row did not exist, otherwise)."""
    if not scope_queryset(type(obj).objects.filter(pk=obj.pk), user=actor, region_field=region_field).exists():
        raise NotFoundError()


def fresh_ref(model, prefix: str) -> str:
    year = timezone.localdate().year
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=prefix, year=year)
        if not model.objects.filter(ref=ref).exists():
            return ref
    raise RuntimeError("no free reference")
