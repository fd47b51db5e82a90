"""Cooperating banks and their staff accounts."""

from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurship.models import BankStaff, CooperatingBank
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError


def _require_admin(actor) -> None:
    if actor is not None and not actor.has_perm("accounts.manage_users"):
        raise ForbiddenError(_("You may not manage cooperating banks."))


@transaction.atomic
def bank_create(*, code: str, name: str, actor, enterprise=None) -> CooperatingBank:
    """A cooperating bank (idempotent on its code). `actor` None: seeding by the system."""
    _require_admin(actor)
    bank, created = CooperatingBank.objects.get_or_create(code=code, defaults={"name": name, "enterprise": enterprise})
    if created:
        audit_log(actor=actor, event_type="entrepreneurship.bank.create", obj=bank, details={"name": name})
    return bank


@transaction.atomic
def bank_staff_assign(*, user, bank: CooperatingBank, actor) -> BankStaff:
    """Link a staff account to the bank it works for: from then on it sees that bank's loans only."""
    _require_admin(actor)
    if user.is_applicant:
        raise ApplicationError(_("An applicant account cannot work for a bank."), code="applicant")
    link, _created = BankStaff.objects.update_or_create(user=user, defaults={"bank": bank})
    audit_log(actor=actor, event_type="entrepreneurship.bank_staff.assign", obj=user,
              details={"bank": bank.code})
    return link
