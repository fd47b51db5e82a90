"""Login, logout and lockout events go to the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from guangyuan_jobs.audit.services import audit_log


@receiver(user_logged_in, dispatch_uid="audit_login")
def _audit_login(sender, request, user, **kwargs):
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
