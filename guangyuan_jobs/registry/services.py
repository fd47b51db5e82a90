"""Every write to the registry. An ID number enters the system only through `person_get_or_create`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import encrypt_value, lookup_hash
from guangyuan_jobs.core.errors import ConflictError, ForbiddenError
from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.core.masking import mask_bank_account, mask_id_number
from guangyuan_jobs.policy.rules import Period, period_to_close
from guangyuan_jobs.registry.models import Enterprise, EnterpriseSizeClass, Person, Region


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
                phone=phone, region=region,
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


REVEALABLE_PERSON_FIELDS = ("id_number", "bank_account", "phone")


def _reveal_allowed(*, obj, actor, reason: str, field: str) -> None:
    """The permission and a stated reason, both recorded: a refusal is an audit event too."""
    if not actor.has_perm("registry.reveal_identity"):
        audit_log(actor=actor, event_type="registry.reveal_denied", obj=obj, outcome="denied",
                  details={"field": field})
        raise ForbiddenError(_("You may not see full identity numbers."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("State why you need the full number."), code="reason")
    audit_log(actor=actor, event_type="registry.reveal", obj=obj, details={"field": field, "reason": reason[:200]})


def person_reveal(*, person: Person, actor, reason: str, field: str = "id_number") -> str:
    """The full ID number, bank account or phone for a user with the permission and a stated reason; audited.

    Not atomic on purpose: the 'denied' event must stay written when the refusal is raised.
    """
    if field not in REVEALABLE_PERSON_FIELDS:
        raise ValidationError(_("This field cannot be revealed."), code="field")
    _reveal_allowed(obj=person, actor=actor, reason=reason, field=field)
    return getattr(person, field)


def enterprise_reveal(*, enterprise: Enterprise, actor, reason: str) -> str:
    """The enterprise's full bank account (its credit code is public); same rule and audit as a person's."""
    _reveal_allowed(obj=enterprise, actor=actor, reason=reason, field="bank_account")
    return enterprise.bank_account


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


@transaction.atomic
def enterprise_size_class_set(*, enterprise: Enterprise, size_class: str, valid_from: datetime.date, source: str,
                              actor) -> EnterpriseSizeClass:
    """The enterprise's size class from `valid_from` on; the period in force then is closed the day before.

    A period starting on or after `valid_from` would overlap, so the change is refused (DOMAIN.md §2.1: the
    class is effective-dated with its source, because refund ratios depend on it).
    """
    if size_class not in EnterpriseSizeClass.SizeClass.values:
        raise ValidationError(_("Choose a size class."), code="size_class")
    source = (source or "").strip()
    if not source:
        raise ValidationError(_("Name the source of the size class (e.g. the social-insurance classification)."),
                              code="source")
    # Lock the enterprise, so two changes of its class are serialised.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    rows = list(enterprise.size_classes.order_by("valid_from"))
    current = period_to_close([Period(row.pk, row.valid_from, row.valid_to) for row in rows], valid_from)
    closed = None
    if current is not None:
        closed = next(row for row in rows if row.pk == current.id)
        closed.valid_to = valid_from - datetime.timedelta(days=1)
        closed.save(update_fields=["valid_to"])
    try:
        with transaction.atomic():
            row = EnterpriseSizeClass.objects.create(enterprise=enterprise, size_class=size_class,
                                                     valid_from=valid_from, source=source[:200])
    except IntegrityError as exc:
        raise ConflictError(_("Another size-class period of this enterprise overlaps; reload and try again."),
                            code="overlap") from exc
    audit_log(actor=actor, event_type="registry.enterprise_size_class_set", obj=enterprise, details={
        "size_class": size_class, "valid_from": valid_from.isoformat(), "source": row.source,
        "closed": {"size_class": closed.size_class, "valid_to": closed.valid_to.isoformat()} if closed else None,
    })
    return row
