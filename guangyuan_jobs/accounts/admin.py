"""Staff accounts are managed in the Django admin by holders of accounts.manage_users; every change is audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.rules import role_conflicts
from guangyuan_jobs.accounts.signals import acting_as
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.registry.models import Region


class _RoleScopeChecks:
    """The checks staff_create makes, for accounts edited by hand."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None and (conflicts := role_conflicts(g.name for g in groups)):
            self.add_error("groups", _("These roles must be held by different people: %(roles)s.")
                           % {"roles": ", ".join(conflicts)})
        scope, region = cleaned.get("scope"), cleaned.get("scope_region")
        if scope == User.Scope.DISTRICT and (region is None or region.level != Region.Level.DISTRICT):
            self.add_error("scope_region", _("A district scope needs a district or county."))
        return cleaned


class AccountChangeForm(_RoleScopeChecks, UserChangeForm):
    pass


class AccountCreationForm(_RoleScopeChecks, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "kind", "scope", "scope_region", "groups")


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "display_name", "kind", "scope", "scope_region", "is_active", "last_login")
    list_filter = ("kind", "scope", "is_active", "groups")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined", "password_changed_at", "phone_verified_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "kind", "phone", "email")}),
        (_("Roles and area"), {"fields": ("is_active", "is_staff", "groups", "scope", "scope_region")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "password_changed_at", "phone_verified_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Roles and area"), {"fields": ("display_name", "kind", "groups", "scope", "scope_region")}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("scope_region")
        # Only a superuser may touch a superuser.
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody grants themselves roles, areas or the admin site.
            readonly += ["groups", "scope", "scope_region", "is_staff", "is_active", "kind"]
        return readonly

    def save_related(self, request, form, formsets, change):
        with acting_as(request.user):
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        audit_log(actor=request.user, event_type="accounts.user_created", obj=obj, details={"admin": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_log(actor=request.user, event_type="accounts.user_changed", obj=obj, details={"admin": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_log(actor=request.user, event_type="accounts.user_deleted", obj=obj)
        return super().log_deletions(request, queryset)
