from django.contrib import admin

from entrepreneurship.models import BankStaff, CooperatingBank


@admin.register(CooperatingBank)
class CooperatingBankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("enterprise",)


@admin.register(BankStaff)
class BankStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "bank")
    raw_id_fields = ("user",)
    list_filter = ("bank",)
