"""What every priority-groups service checks first: the actor's permission, and that the person is in the
actor's area (a county caseworker never touches another county's people)."""

from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.errors import ForbiddenError, NotFoundError
from guangyuan_jobs.registry.models import Person

MANAGE = "priority_groups.manage_caseload"
VIEW = "priority_groups.view_caseload"
IMPORT = "priority_groups.import_roster"


def require_staff_permission(actor, permission: str = MANAGE) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(_("You may not do this for priority-group people."))


def require_person_in_scope(actor, person: Person) -> None:
    """Outside the actor's area the person does not exist for them (404, not 403: no probing)."""
    if not scope_queryset(Person.objects.filter(pk=person.pk), user=actor).exists():
        raise NotFoundError()


def require_row_in_scope(actor, obj, *, region_field: str = "region") -> None:
    """For a row just written inside the caller's transaction: outside the actor's area, the error rolls it back."""
    if not scope_queryset(type(obj).objects.filter(pk=obj.pk), user=actor, region_field=region_field).exists():
        raise ForbiddenError(_("This area is outside yours."))
