"""Every write to the registry. An ID number enters the system only through `person_get_or_create`."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import encrypt_value, lookup_hash
from guangyuan_jobs.core.errors import ForbiddenError
from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.core.masking import mask_bank_account, mask_id_number
from guangyuan_jobs.registry.models import Enterprise, Person, Region


def person_find(*, id_number: str) -> Person | None:
    parsed = parse_resident_id(id_number)
    return Person.objects.filter(id_number_hash=lookup_hash(parsed.number)).first()


@transaction.atomic
def person_get_or_create(*, id_number: str, name: str, actor, phone: str = "", region: Region | None = None) -> Person:
    """The person with this ID number, created if new. Raises ValidationError for a bad number."""
    parsed = parse_resident_id(id_number)
    digest = lookup_hash(parsed.number)
    existing = Person.objects.filter(id_number_hash=digest).first()
    if existing is not None:
        return existing
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError(_("Enter the person's name (at most 64 characters)."), code="name")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_number_encrypted=encrypt_value(parsed.number), id_number_hash=digest,
                id_number_masked=mask_id_number(parsed.number), name=name, sex=parsed.sex,
                birth_date=parsed.birth_date, phone=phone, region=region,
            )
    except IntegrityError:
        # Registered by a concurrent request between our look-up and insert.
        return Person.objects.get(id_number_hash=digest)
    audit_log(actor=actor, event_type="registry.person_created", obj=person,
              details={"id_number": person.id_number_masked})
    return person


@transaction.atomic
def person_set_bank_account(*, person: Person, bank_name: str, account: str, actor) -> Person:
    account = "".join(account.split())
    if not account.isdigit() or not 12 <= len(account) <= 30:
        raise ValidationError(_("A bank account number has 12 to 30 digits."), code="bank_account")
    person.bank_name = bank_name.strip()[:64]
    person.bank_account_encrypted = encrypt_value(account)
    person.bank_account_masked = mask_bank_account(account)
    person.save(update_fields=["bank_name", "bank_account_encrypted", "bank_account_masked", "updated_at"])
    audit_log(actor=actor, event_type="registry.person_bank_account_changed", obj=person,
              details={"bank_account": person.bank_account_masked})
    return person


@transaction.atomic
def person_reveal(*, person: Person, actor, reason: str, field: str = "id_number") -> str:
    """The full ID number (or bank account) for a user with the permission and a stated reason; audited."""
    if not actor.has_perm("registry.reveal_identity"):
        audit_log(actor=actor, event_type="registry.reveal_denied", obj=person, outcome="denied",
                  details={"field": field})
        raise ForbiddenError(_("You may not see full identity numbers."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("State why you need the full number."), code="reason")
    audit_log(actor=actor, event_type="registry.reveal", obj=person, details={"field": field, "reason": reason[:200]})
    return person.bank_account if field == "bank_account" else person.id_number


@transaction.atomic
def enterprise_get_or_create(*, credit_code: str, name: str, actor, region: Region | None = None) -> Enterprise:
    parsed = parse_credit_code(credit_code)
    existing = Enterprise.objects.filter(credit_code=parsed.code).first()
    if existing is not None:
        return existing
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise ValidationError(_("Enter the enterprise's name (at most 128 characters)."), code="name")
    if region is None:
        region = Region.objects.filter(code=parsed.region_code).first()
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(credit_code=parsed.code, name=name, region=region,
                                                   credit_code_warning="; ".join(parsed.warnings)[:200])
    except IntegrityError:
        return Enterprise.objects.get(credit_code=parsed.code)
    audit_log(actor=actor, event_type="registry.enterprise_created", obj=enterprise)
    return enterprise


@transaction.atomic
def enterprise_set_bank_account(*, enterprise: Enterprise, bank_name: str, account_name: str, account: str,
                                actor) -> Enterprise:
    account = "".join(account.split())
    if not account.isdigit() or not 8 <= len(account) <= 30:
        raise ValidationError(_("A bank account number has 8 to 30 digits."), code="bank_account")
    enterprise.bank_name = bank_name.strip()[:64]
    enterprise.bank_account_name = account_name.strip()[:128]
    enterprise.bank_account_encrypted = encrypt_value(account)
    enterprise.bank_account_masked = mask_bank_account(account)
    enterprise.save(update_fields=["bank_name", "bank_account_name", "bank_account_encrypted",
                                   "bank_account_masked", "updated_at"])
    audit_log(actor=actor, event_type="registry.enterprise_bank_account_changed", obj=enterprise,
              details={"bank_account": enterprise.bank_account_masked})
    return enterprise
