"""Login, logout, lockout and role/permission changes go to the audit trail."""

from contextlib import contextmanager
from contextvars import ContextVar

from axes.signals import user_locked_out
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.services import audit_log

# Session key holding when the user signed in, for the absolute session limit.
SESSION_STARTED_KEY = "accounts_session_started_at"

# m2m signals do not know who made the change; services and the admin say so here.
_current_actor: ContextVar = ContextVar("accounts_current_actor", default=None)


@contextmanager
def acting_as(actor):
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


@receiver(user_logged_in, dispatch_uid="audit_login")
def _audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
    audit_log(actor=user, event_type="auth.login", obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, event_type="auth.logout", obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_log(actor=None, event_type="auth.login_failed", outcome="failure",
              object_type="accounts.user", object_id=str(credentials.get("username", ""))[:64])


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit_log(actor=None, event_type="auth.lockout", outcome="denied", object_type="accounts.user",
              object_id=str(username or "")[:64], source_ip=ip_address)


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(User.objects.filter(pk__in=pks).values_list("username", flat=True))


_ACTIONS = {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}


def _audit_m2m(*, event_type, owner, action, related_model, pk_set, clear_qs):
    if action not in _ACTIONS:
        return
    if action == "pre_clear":
        pk_set = set(clear_qs.values_list("pk", flat=True))
    if not pk_set:
        return
    audit_log(actor=_current_actor.get(), event_type=event_type, obj=owner,
              details={"action": _ACTIONS[action], "items": _names(related_model, pk_set)})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
def _audit_user_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:  # group.user_set.add(user, ...): one event per user, naming the group
        if action not in _ACTIONS:
            return
        users = instance.user_set.all() if action == "pre_clear" else User.objects.filter(pk__in=pk_set or ())
        for user in users:
            audit_log(actor=_current_actor.get(), event_type="accounts.roles_changed", obj=user,
                      details={"action": _ACTIONS[action], "items": [instance.name]})
        return
    _audit_m2m(event_type="accounts.roles_changed", owner=instance, action=action, related_model=Group,
               pk_set=pk_set, clear_qs=instance.groups.all() if action == "pre_clear" else None)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions")
def _audit_user_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:
        return  # permission.user_set: not a path anyone in this portal uses
    _audit_m2m(event_type="accounts.permissions_changed", owner=instance, action=action, related_model=Permission,
               pk_set=pk_set, clear_qs=instance.user_permissions.all() if action == "pre_clear" else None)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit_role_permissions")
def _audit_role_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:
        return
    _audit_m2m(event_type="accounts.role_permissions_changed", owner=instance, action=action,
               related_model=Permission, pk_set=pk_set,
               clear_qs=instance.permissions.all() if action == "pre_clear" else None)
