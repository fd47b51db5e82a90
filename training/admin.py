"""Django admin for the training reference data: the occupation catalogue."""

from django.contrib import admin

from training.models import Occupation


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "levels", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
