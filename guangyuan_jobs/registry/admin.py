"""Admin for the division tree only. People and enterprises hold encrypted identifiers and are written
through registry.services (validation, encryption, audit), so the admin does not offer them."""

from django.contrib import admin

from guangyuan_jobs.policy.admin import AuditedAdminMixin
from guangyuan_jobs.registry.models import Region


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "registry.region"
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to", "former_names")
    list_filter = ("level",)
    search_fields = ("code", "name", "former_names")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def has_delete_permission(self, request, obj=None):
        # Codes are referenced by people, cases and parameters for years; a retired code gets a valid_to.
        return False
