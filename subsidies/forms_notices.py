"""Forms of 公示: publishing a notice, lodging an objection, resolving one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.kinds import all_kinds
from subsidies.models import Objection


def notice_kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds() if k.public_notice]


class NoticeKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = notice_kind_choices()


class NoticePublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty for the usual title."))
    refs = forms.MultipleChoiceField(label=_("Cases"), widget=forms.CheckboxSelectMultiple,
                                     error_messages={"required": _("Tick the cases to publish.")})

    def __init__(self, *args, refs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = notice_kind_choices()
        self.fields["refs"].choices = [(ref, ref) for ref in refs]


class NoticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    current = forms.BooleanField(label=_("Running now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *notice_kind_choices()]


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Objection to"), coerce=int)
    name = forms.CharField(label=_("Your name"), max_length=64)
    contact = forms.CharField(label=_("Phone or address"), max_length=64)
    text = forms.CharField(label=_("Objection"), min_length=5, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + [
            (e.pk, f"{e.display_name}（{e.identifier_masked}）{e.amount:,.2f}") for e in entries]


class ObjectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Objection.Status.choices])


class ObjectionResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (Objection.Status.DISMISSED, _("Dismiss: the case goes on to payment")),
        (Objection.Status.UPHELD, _("Uphold: the case is refused")),
    ])
    resolution = forms.CharField(label=_("Reason"), min_length=2, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
