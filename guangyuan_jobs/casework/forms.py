from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.kinds import kind_choices
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.rules import ACTIONS, BATCH_ACTIONS, By
from guangyuan_jobs.registry.models import Region

GUANGYUAN = "510800"
OTHER_MATERIALS_MAX = 5


def _district_choices():
    regions = Region.objects.filter(pk=GUANGYUAN) | Region.objects.filter(parent_id=GUANGYUAN)
    return [("", _("All districts"))] + [(r.code, r.name) for r in regions.order_by("code")]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *CaseStatus.choices])
    region = forms.ChoiceField(label=_("District"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]
        if user.is_applicant:
            for name in ("region", "overdue", "mine"):
                del self.fields[name]
        else:
            self.fields["region"].choices = _district_choices()

    def filters(self) -> dict:
        """The valid filters, with empty ones left out (invalid input filters nothing rather than erring)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(code, a.label) for code, a in ACTIONS.items() if a.by != By.SYSTEM])
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(label=_("Comment or reason"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    missing = forms.MultipleChoiceField(label=_("Missing materials"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    missing_other = forms.CharField(label=_("Other missing materials (one per line)"), required=False,
                                    max_length=600, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["missing"].choices = [(m.code, m.label) for m in kind.materials] if kind else []

    def missing_materials(self) -> list[dict]:
        labels = dict(self.fields["missing"].choices)
        listed = [{"code": code, "label": str(labels[code])} for code in self.cleaned_data.get("missing", [])]
        others = [line.strip() for line in self.cleaned_data.get("missing_other", "").splitlines() if line.strip()]
        listed += [{"code": f"OTHER{i}", "label": label[:128]}
                   for i, label in enumerate(others[:OTHER_MATERIALS_MAX], start=1)]
        return listed


class AttachmentForm(forms.Form):
    material_code = forms.ChoiceField(label=_("Material"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material_code"].choices = materials


class BatchStartForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    refs = forms.MultipleChoiceField(required=False)  # references are checked against the user's scope later
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        perms = user.get_all_permissions()
        self.fields["action"].choices = [(code, ACTIONS[code].label) for code in BATCH_ACTIONS
                                         if perms.intersection(ACTIONS[code].sources.values())]
        self.fields["refs"].choices = [(r, r) for r in self.data.getlist("refs")] if self.data else []

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("refs"):
            raise forms.ValidationError(_("Tick the cases to act on, or choose every case matching the filters."))
        return data
