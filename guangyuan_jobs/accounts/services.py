"""Every write to accounts: roles, staff creation, registration, SMS codes, second factors, lockouts."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from guangyuan_jobs.accounts.models import SmsCode, User
from guangyuan_jobs.accounts.roles import all_roles, role_by_code
from guangyuan_jobs.accounts.rules import normalise_phone, role_conflicts
from guangyuan_jobs.accounts.signals import acting_as
from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.core.identifiers import parse_credit_code, parse_resident_id
from guangyuan_jobs.core.masking import mask_phone
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_find, person_get_or_create


@transaction.atomic
def roles_sync(*, using: str = "default") -> None:
    """Make each role's group hold exactly the permissions of its role (idempotent)."""
    for role in all_roles():
        group, _ = Group.objects.using(using).get_or_create(name=role.code)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def _require_perm(actor, perm: str) -> None:
    # actor None is the system itself (management commands such as seed_demo).
    if actor is not None and not actor.has_perm(perm):
        raise ForbiddenError(_("You do not have permission to do this."))


# --- staff -------------------------------------------------------------------------------------------------


@transaction.atomic
def staff_create(*, username: str, display_name: str, roles: Iterable[str], scope: str,
                 scope_region: Region | str | None = None, actor, password: str, phone: str = "") -> User:
    """A staff account in `roles` seeing `scope`; a district scope needs its district or county."""
    _require_perm(actor, "accounts.manage_users")
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("Enter a user name.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("A user with that user name already exists.")]
    roles = tuple(dict.fromkeys(roles))
    unknown = [code for code in roles if role_by_code(code) is None or not role_by_code(code).is_staff_role]
    if not roles:
        errors["roles"] = [_("A staff member needs at least one role.")]
    elif unknown:
        errors["roles"] = [_("Not a staff role: %(roles)s.") % {"roles": ", ".join(unknown)}]
    elif conflicts := role_conflicts(roles):
        errors["roles"] = [_("These roles must be held by different people: %(roles)s.")
                           % {"roles": ", ".join(conflicts)}]
    if isinstance(scope_region, str):
        scope_region = Region.objects.filter(code=scope_region).first() or scope_region
    if scope not in User.Scope.values or scope == User.Scope.NONE:
        errors["scope"] = [_("Choose the area this staff member works for.")]
    elif scope == User.Scope.DISTRICT:
        if not isinstance(scope_region, Region) or scope_region.level != Region.Level.DISTRICT:
            errors["scope_region"] = [_("A district scope needs a district or county.")]
    else:
        scope_region = None
    admin_site = any(role_by_code(code).admin_site for code in roles if role_by_code(code))
    user = User(username=username, display_name=(display_name or "").strip()[:64], kind=User.Kind.STAFF,
                scope=scope, scope_region=scope_region if isinstance(scope_region, Region) else None,
                phone=normalise_phone(phone), is_staff=admin_site)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    with acting_as(actor):
        user.groups.set(Group.objects.filter(name__in=roles))
    audit_log(actor=actor, event_type="accounts.staff_created", obj=user,
              details={"roles": list(roles), "scope": scope, "scope_region": user.scope_region_id or ""})
    return user


@transaction.atomic
def user_password_change(*, user: User, password: str) -> None:
    """Record a new password (already validated by the form) and restart its age."""
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    audit_log(actor=user, event_type="accounts.password_changed", obj=user)


# --- SMS codes ----------------------------------------------------------------------------------------------


def _sms_code_hash(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac("guangyuan_jobs.accounts.sms_code", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def sms_code_send(*, phone: str, purpose: str, requested_ip: str | None) -> SmsCode:
    """Text a fresh one-time code to `phone`; only its keyed hash is stored. Rate-limited per phone and IP."""
    normalised = normalise_phone(phone)
    if not normalised:
        raise ValidationError({"phone": [_("Enter a mainland mobile number of 11 digits.")]})
    now = timezone.now()
    recent = SmsCode.objects.filter(phone=normalised, created_at__gte=now - timedelta(hours=1))
    last = recent.order_by("-created_at").first()
    if last is not None and (now - last.created_at).total_seconds() < settings.SMS_RESEND_SECONDS:
        wait = settings.SMS_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise ApplicationError(_("A code was sent to this phone a moment ago. Try again in %(seconds)d seconds.")
                               % {"seconds": wait}, code="sms_too_soon", extra={"retry_after": wait})
    if recent.count() >= settings.SMS_MAX_PER_PHONE_PER_HOUR:
        raise ApplicationError(_("Too many codes were sent to this phone in the last hour. Try again later."),
                               code="sms_phone_limit")
    if requested_ip and SmsCode.objects.filter(requested_ip=requested_ip, created_at__gte=now - timedelta(hours=1)
                                               ).count() >= settings.SMS_MAX_PER_IP_PER_HOUR:
        raise ApplicationError(_("Too many codes were requested from your network in the last hour. "
                                 "Try again later."), code="sms_ip_limit")
    code = f"{secrets.randbelow(10**6):06d}"
    sms = SmsCode.objects.create(
        phone=normalised, purpose=purpose, code_hash=_sms_code_hash(phone=normalised, purpose=purpose, code=code),
        expires_at=now + timedelta(minutes=settings.SMS_CODE_TTL_MINUTES), requested_ip=requested_ip,
    )
    text = _("[Guangyuan Employment Services] Your verification code is %(code)s, valid for %(minutes)d minutes. "
             "Never tell it to anyone.") % {"code": code, "minutes": settings.SMS_CODE_TTL_MINUTES}
    audit_log(actor=None, event_type="accounts.sms_code_sent", obj=sms,
              details={"phone": mask_phone(normalised), "purpose": purpose})
    transaction.on_commit(lambda: send_sms(normalised, text))
    return sms


def sms_code_verify(*, phone: str, purpose: str, code: str) -> SmsCode:
    """The live code for `phone` if `code` matches it. Call it outside any other transaction: a wrong guess
    must stay counted even though the caller's work is then refused."""
    normalised = normalise_phone(phone)
    with transaction.atomic():
        sms = (SmsCode.objects.select_for_update()
               .filter(phone=normalised, purpose=purpose, used_at__isnull=True).order_by("-created_at").first())
        if sms is None or sms.expires_at <= timezone.now():
            outcome = "expired"
        elif sms.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            outcome = "exhausted"
        else:
            sms.attempts += 1
            sms.save(update_fields=["attempts"])
            expected = _sms_code_hash(phone=normalised, purpose=purpose, code=(code or "").strip())
            outcome = "ok" if constant_time_compare(expected, sms.code_hash) else "wrong"
    if outcome == "expired":
        raise ValidationError({"sms_code": [_("The SMS code has expired or was never sent. Request a new one.")]})
    if outcome == "exhausted":
        raise ValidationError({"sms_code": [_("Too many wrong tries for this SMS code. Request a new one.")]})
    if outcome == "wrong":
        raise ValidationError({"sms_code": [_("The SMS code is wrong.")]})
    return sms


def _sms_code_consume(sms: SmsCode) -> None:
    # Conditional update: of two registrations racing with one code, exactly one gets it.
    if not SmsCode.objects.filter(pk=sms.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise ValidationError({"sms_code": [_("This SMS code has already been used. Request a new one.")]})


# --- applicant sign-in second factor --------------------------------------------------------------------------


def login_sms_required(user: User) -> bool:
    """Whether `user`, password checked, must also enter a code texted to their phone (applicants, when
    settings.APPLICANT_SMS_LOGIN). Staff have TOTP instead."""
    return bool(settings.APPLICANT_SMS_LOGIN and user.is_applicant)


def login_sms_send(*, user: User, requested_ip: str | None) -> SmsCode:
    """Text `user` a sign-in code (rate-limited per phone and client IP like every code, audited)."""
    if not normalise_phone(user.phone):
        audit_log(actor=user, event_type="accounts.login_sms_unavailable", obj=user,
                  outcome=AuditEvent.Outcome.FAILURE, source_ip=requested_ip)
        raise ApplicationError(_("No mobile number is on record for this account, so no sign-in code can be sent. "
                                 "Ask the service centre to add your number."), code="no_phone")
    return sms_code_send(phone=user.phone, purpose=SmsCode.Purpose.LOGIN, requested_ip=requested_ip)


def login_sms_verify(*, user: User, code: str, source_ip: str | None = None) -> None:
    """Check the sign-in code `user` was texted: each guess counts (SMS_CODE_MAX_ATTEMPTS per code), a code
    works once and until it expires. Raises ValidationError({"sms_code": ...}); success and failure are audited.
    Call it outside any transaction, so a wrong guess stays counted."""
    try:
        sms = sms_code_verify(phone=user.phone, purpose=SmsCode.Purpose.LOGIN, code=code)
        _sms_code_consume(sms)
    except ValidationError as exc:
        audit_log(actor=user, event_type="accounts.login_sms_failed", obj=user, source_ip=source_ip,
                  outcome=AuditEvent.Outcome.FAILURE, details={"reason": " ".join(exc.messages)})
        raise
    audit_log(actor=user, event_type="accounts.login_sms_verified", obj=user, source_ip=source_ip,
              details={"phone": mask_phone(user.phone)})


# --- applicant self-registration ----------------------------------------------------------------------------


def _check_password(errors: dict, password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = exc.messages


@transaction.atomic
def applicant_account_create(*, username: str, password: str, display_name: str, actor, phone: str = "",
                             person: Person | None = None, enterprise: Enterprise | None = None,
                             phone_verified: bool = False, self_registered: bool = False) -> User:
    """An applicant's account for a person or an enterprise already in the registry (registration, counter
    staff, seed_demo). One account per person and per enterprise."""
    if (person is None) == (enterprise is None):
        raise ValueError("an applicant account belongs to exactly one person or one enterprise")
    if person is not None and User.objects.filter(person=person).exists():
        raise ValidationError({"id_number": [_("This resident ID number already has an account. Sign in, or ask "
                                               "the service centre for help if it is not yours.")]})
    if enterprise is not None and User.objects.filter(enterprise=enterprise).exists():
        raise ValidationError({"credit_code": [_("This enterprise already has an account. Ask its account holder "
                                                 "or the service centre for help.")]})
    role = "applicant_person" if person is not None else "applicant_enterprise"
    user = User(username=username, display_name=display_name[:64], phone=normalise_phone(phone) or phone,
                kind=User.Kind.PERSON if person is not None else User.Kind.ENTERPRISE, person=person,
                enterprise=enterprise, phone_verified_at=timezone.now() if phone_verified else None)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # A concurrent registration took the same user name, person or enterprise after our checks.
        raise ValidationError(_("This account was registered a moment ago. Sign in instead.")) from exc
    actor = user if self_registered else actor
    with acting_as(actor):
        user.groups.add(Group.objects.get(name=role))
    audit_log(actor=actor, event_type="accounts.registered" if self_registered else "accounts.applicant_created",
              obj=user, details={"kind": user.kind, "phone": mask_phone(user.phone)})
    return user


# Registration checks the form of every field first, then the SMS code, and only then what the registry holds:
# so whether an ID number, credit code or phone already has an account is told only to someone holding a phone
# and a fresh code (rate-limited), never to a script probing numbers.


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def applicant_register_person(*, name: str, id_number: str, phone: str, password: str, sms_code: str) -> User:
    """A person applicant's account, signed in by phone number. The resident ID goes only to the registry."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors["name"] = [_("Enter your name (at most 64 characters).")]
    parsed = None
    try:
        parsed = parse_resident_id(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    normalised = normalise_phone(phone)
    if not normalised:
        errors["phone"] = [_("Enter a mainland mobile number of 11 digits.")]
    _check_password(errors, password, User(username=normalised, kind=User.Kind.PERSON, display_name=name))
    _raise_if(errors)

    sms = sms_code_verify(phone=normalised, purpose=SmsCode.Purpose.REGISTER, code=sms_code)

    if User.objects.filter(username=normalised).exists():
        errors["phone"] = [_("This phone number is already registered. Sign in instead.")]
    person = person_find(id_number=parsed.number)
    if person is not None and User.objects.filter(person=person).exists():
        # Says only that the number is taken, never by whom.
        errors["id_number"] = [_("This resident ID number already has an account. Sign in, or ask the "
                                 "service centre for help if it is not yours.")]
    elif person is not None and person.name != name:
        errors["name"] = [_("The name does not match the one registered for this resident ID number.")]
    _raise_if(errors)
    with transaction.atomic():
        _sms_code_consume(sms)
        person = person_get_or_create(id_number=parsed.number, name=name, phone=normalised, actor=None)
        return applicant_account_create(username=normalised, password=password, display_name=name, phone=normalised,
                                        person=person, phone_verified=True, self_registered=True, actor=None)


def applicant_register_enterprise(*, credit_code: str, enterprise_name: str, contact_name: str, phone: str,
                                  password: str, sms_code: str) -> User:
    """An enterprise's account, signed in by its unified social credit code; one account per enterprise."""
    errors: dict[str, list[str]] = {}
    enterprise_name = (enterprise_name or "").strip()
    contact_name = (contact_name or "").strip()
    if not enterprise_name or len(enterprise_name) > 128:
        errors["enterprise_name"] = [_("Enter the enterprise's name (at most 128 characters).")]
    if not contact_name or len(contact_name) > 64:
        errors["contact_name"] = [_("Enter the contact person's name (at most 64 characters).")]
    parsed = None
    try:
        parsed = parse_credit_code(credit_code)
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    normalised = normalise_phone(phone)
    if not normalised:
        errors["phone"] = [_("Enter a mainland mobile number of 11 digits.")]
    _check_password(errors, password, User(username=parsed.code if parsed else "", kind=User.Kind.ENTERPRISE,
                                           display_name=contact_name))
    _raise_if(errors)

    sms = sms_code_verify(phone=normalised, purpose=SmsCode.Purpose.REGISTER, code=sms_code)

    enterprise = Enterprise.objects.filter(credit_code=parsed.code).first()
    if User.objects.filter(username=parsed.code).exists() or (
            enterprise is not None and User.objects.filter(enterprise=enterprise).exists()):
        errors["credit_code"] = [_("This enterprise already has an account. Ask its account holder or the "
                                   "service centre for help.")]
    elif enterprise is not None and enterprise.name != enterprise_name:
        errors["enterprise_name"] = [_("The name does not match the one registered for this credit code.")]
    _raise_if(errors)
    with transaction.atomic():
        _sms_code_consume(sms)
        enterprise = enterprise_get_or_create(credit_code=parsed.code, name=enterprise_name, actor=None)
        return applicant_account_create(username=parsed.code, password=password, display_name=contact_name,
                                        phone=normalised, enterprise=enterprise, phone_verified=True,
                                        self_registered=True, actor=None)


# --- second factor (TOTP) -----------------------------------------------------------------------------------


def otp_confirmed_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


@transaction.atomic
def otp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a staff member is setting up (a new secret the first time)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def _otp_check(user: User, devices: list[TOTPDevice], token: str) -> TOTPDevice | None:
    token = "".join((token or "").split())
    if not (token.isdigit() and len(token) == 6):
        return None
    for device in devices:
        # django_otp.verify_token locks the device row: a code is accepted once, even by two racing requests.
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def otp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice | None:
    """Confirm the new authenticator with a code from it; None (and audited) when the code is wrong."""
    verified = _otp_check(user, [device], token)
    with transaction.atomic():
        if verified is None:
            audit_log(actor=user, event_type="auth.otp_setup_failed", obj=user, outcome="failure")
            return None
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_log(actor=user, event_type="accounts.otp_device_confirmed", obj=user)
    return verified


def otp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The device that accepts `token` (each code once), or None; both outcomes audited."""
    verified = _otp_check(user, otp_confirmed_devices(user), token)
    if verified is None:
        audit_log(actor=user, event_type="auth.otp_failed", obj=user, outcome="failure")
    else:
        audit_log(actor=user, event_type="auth.otp_verified", obj=user)
    return verified


@transaction.atomic
def otp_devices_reset(*, user: User, actor) -> int:
    """Remove a staff member's authenticators (lost phone); they enrol a new one at their next sign-in."""
    _require_perm(actor, "accounts.manage_security")
    if actor is not None and actor.pk == user.pk:
        raise ForbiddenError(_("Another security administrator must reset your own second factor."))
    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    audit_log(actor=actor, event_type="accounts.otp_reset", obj=user, details={"devices": count})
    return count


# --- lockouts and API tokens ----------------------------------------------------------------------------------


@transaction.atomic
def lockout_reset(*, username: str, ip_address: str | None, actor) -> int:
    """Clear the failed sign-ins of `username` (from `ip_address`, or from everywhere)."""
    _require_perm(actor, "accounts.manage_security")
    username = (username or "").strip()
    if not username:
        # axes.utils.reset without a username would clear every lockout in the system.
        raise ValidationError({"username": [_("Name the account to unlock.")]})
    count = axes_reset(username=username, ip=ip_address or None)
    audit_log(actor=actor, event_type="accounts.lockout_reset", object_type="accounts.user", object_id=username[:64],
              details={"ip_address": ip_address or "", "attempts_cleared": count})
    return count


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    audit_log(actor=user, event_type="auth.token_issued", obj=user)
    return token
