"""Group codes are reference data an administrator maintains (Sichuan's official 就业困难人员 list was not
retrieved, DOMAIN.md §9.1): codes are never deleted, only made inactive, since memberships point at them."""

from django.contrib import admin

from priority_groups.models import GroupCode


@admin.register(GroupCode)
class GroupCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "sort_order", "active")
    list_filter = ("active", "parent")
    search_fields = ("code", "name", "name_en")
    ordering = ("sort_order", "code")

    def has_delete_permission(self, request, obj=None):
        return False
