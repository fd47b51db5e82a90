from django import forms
from django.contrib import admin

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.notices.messages import PLACEHOLDERS, template_check
from guangyuan_jobs.notices.models import MessageTemplate, Notice, Notification
from guangyuan_jobs.notices.services.notifications import message_template_save


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("event", "sms_enabled", "sms_text", "inbox_enabled", "inbox_subject", "inbox_body")
        help_texts = {"sms_text": "{{ " + " }}, {{ ".join(PLACEHOLDERS) + " }}"}

    def clean(self):
        cleaned = super().clean()
        for field in ("sms_text", "inbox_subject", "inbox_body"):
            try:
                template_check(cleaned.get(field) or "")
            except ApplicationError as exc:
                self.add_error(field, exc.message)
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("event", "sms_enabled", "inbox_enabled", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        message_template_save(template=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # an event without words would fall back silently; switch a channel off instead


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "channel", "status", "attempts", "case")
    list_filter = ("status", "channel", "event")
    search_fields = ("case__ref",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "case", "issued_at", "issued_by")
    list_filter = ("kind",)
    search_fields = ("number", "case__ref")
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
