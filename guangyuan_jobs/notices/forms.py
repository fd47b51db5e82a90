from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.notices.models import NoticeKind, Notification, NotificationEvent


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class NoticeFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(NoticeKind.choices), required=False)
    q = forms.CharField(label=_("Case reference or notice number"), max_length=40, required=False)
    issued_from = forms.DateField(label=_("Issued from"), required=False)
    issued_to = forms.DateField(label=_("Issued to"), required=False)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class NotificationFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), choices=_blank(NotificationEvent.choices), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=_blank(Notification.Channel.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(Notification.Status.choices), required=False)
    q = forms.CharField(label=_("Case reference"), max_length=40, required=False)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Unread only"), required=False)

    def filters(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class NoticeIssueForm(forms.Form):
    kind = forms.ChoiceField(choices=NoticeKind.choices)
