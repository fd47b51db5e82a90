"""Accounts: one user table for applicants and staff; roles are groups with named permissions."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountManager(UserManager):
    """Every new account starts its password age now; superusers are staff with the whole city in view."""

    # Migrations keep the plain manager: historical models must not depend on this module.
    use_in_migrations = False

    def _create_user_object(self, username, email, password, **extra_fields):
        extra_fields.setdefault("password_changed_at", timezone.now())
        return super()._create_user_object(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("kind", User.Kind.STAFF)
        extra_fields.setdefault("scope", User.Scope.WHOLE_CITY)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person applicant")
        ENTERPRISE = "enterprise", _("Enterprise applicant")
        STAFF = "staff", _("Staff")

    class Scope(models.TextChoices):
        NONE = "none", _("No area")
        CITY_LEVEL = "city_level", _("City level (市本级)")
        DISTRICT = "district", _("One district or county")
        WHOLE_CITY = "whole_city", _("Whole city")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    display_name = models.CharField(_("name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    scope = models.CharField(_("area scope"), max_length=16, choices=Scope.choices, default=Scope.NONE)
    scope_region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("scope region")
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("manage_security", "Can unlock accounts and reset second factors"),
            ("manage_users", "Can create staff accounts and assign roles"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="district") | models.Q(scope_region__isnull=False),
                name="accounts_user_district_scope_has_region",
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_applicant(self) -> bool:
        return self.kind in (self.Kind.PERSON, self.Kind.ENTERPRISE)

    @property
    def is_staff_member(self) -> bool:
        """Staff rules (TOTP, 12-character passwords, rotation) also bind admin-site users of any kind."""
        return self.kind == self.Kind.STAFF or self.is_staff or self.is_superuser

    def set_password(self, raw_password):
        # Every path that changes a password (change form, reset, admin) goes through here.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class SmsCode(models.Model):
    """A one-time code sent to a phone; only its hash is kept."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("Registration")
        LOGIN = "login", _("Login")

    phone = models.CharField(max_length=20, db_index=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Who asked for it, so one client cannot make the portal text thousands of phones.
    requested_ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
