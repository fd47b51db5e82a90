"""Forms of the outreach pages: briefing sessions and policy pushes, each with its list filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subsidies.models import PolicyPush
from subsidies.selectors_outreach import PUSH_TARGETS, guide_kind_labels, region_choices_for
from subsidies.services.outreach import MESSAGE_MAX_LENGTH, TEXT_MAX_LENGTH

ATTENDANCE_MAX = 100_000


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _ListFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=_DateInput())
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *guide_kind_labels()]

    def filters(self) -> dict:
        """The valid filters, empty ones left out; an invalid value filters nothing (the form shows why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class BriefingFilterForm(_ListFilterForm):
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *region_choices_for(user)]


class BriefingSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_DateInput())
    place = forms.CharField(label=_("Place"), max_length=TEXT_MAX_LENGTH["place"])
    topic = forms.CharField(label=_("Topic"), max_length=TEXT_MAX_LENGTH["topic"])
    audience = forms.CharField(label=_("Audience"), max_length=TEXT_MAX_LENGTH["audience"],
                               help_text=_("For example: graduates of the year, firms of an industrial park."))
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, max_value=ATTENDANCE_MAX)
    region = forms.ChoiceField(label=_("Region"))
    kinds = forms.MultipleChoiceField(label=_("Kinds covered"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)
        self.fields["kinds"].choices = guide_kind_labels()
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A session is recorded once it has been held: the date is in the future."))
        return held_on


class PushFilterForm(_ListFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *PolicyPush.Status.choices])


class PolicyPushForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    target = forms.ChoiceField(label=_("Send to"), widget=forms.RadioSelect)
    region = forms.ChoiceField(label=_("Region"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=PolicyPush.Channel.choices, initial="sms",
                                help_text=_("WeChat is not connected yet: a WeChat push goes out through the same "
                                            "gateway as SMS."))
    message = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Short and plain; the link to the service guide is added for you when "
                                          "the box is left empty."), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = guide_kind_labels()
        self.fields["target"].choices = [(t.code, t.label) for t in PUSH_TARGETS.values()]
        self.fields["region"].choices = [("", _("My whole area")), *region_choices_for(user)]
