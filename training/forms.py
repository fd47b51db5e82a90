"""Forms of the training pages: they check the shape of the input; the services decide the rules."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.selectors import city_regions
from training.models import (
    DrawSession,
    Occupation,
    SignUp,
    SkillLevel,
    SupervisionRecord,
    Trainee,
    TrainingClass,
    TrainingPackage,
    Witness,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


def district_choices():
    """The city level (510800) and the districts and counties."""
    return [(r.code, r.name) for r in city_regions().filter(level__in=(
        Region.Level.CITY, Region.Level.DISTRICT)).order_by("code")]


class DistrictField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=district_choices, **kwargs)


class DemandLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    department = forms.CharField(label=_("Department"), max_length=64)
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.filter(active=True))
    level = forms.TypedChoiceField(label=_("Level"), choices=SkillLevel.choices, coerce=int)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=100_000)
    region = DistrictField(label=_("District"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class PlanLineForm(forms.Form):
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.filter(active=True))
    level = forms.TypedChoiceField(label=_("Level"), choices=SkillLevel.choices, coerce=int)
    region = DistrictField(label=_("District"))
    headcount = forms.IntegerField(label=_("Headcount (0 removes the line)"), min_value=0, max_value=100_000)


class PackageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    implementing_unit = forms.CharField(label=_("Implementing unit"), max_length=128)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000)
    hours = forms.IntegerField(label=_("Class hours"), min_value=1, max_value=2_000)
    subsidy_standard = forms.DecimalField(label=_("Subsidy per trainee (yuan)"), min_value=1, max_digits=10,
                                          decimal_places=2)
    min_teachers = forms.IntegerField(label=_("Minimum teachers"), min_value=0, max_value=1000)
    min_premises_m2 = forms.IntegerField(label=_("Minimum premises (m²)"), min_value=0, max_value=1_000_000)
    equipment_required = forms.CharField(label=_("Equipment required"), max_length=2000, widget=forms.Textarea)
    signup_deadline = forms.DateField(label=_("Sign-up deadline"), widget=DateInput)


class PackageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *TrainingPackage.Status.choices])


class InstitutionForm(forms.Form):
    licence_no = forms.CharField(label=_("School-running licence no."), max_length=64)
    contact_name = forms.CharField(label=_("Contact"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)


class SignUpForm(forms.Form):
    teachers = forms.IntegerField(label=_("Teachers"), min_value=0, max_value=1000)
    premises_m2 = forms.IntegerField(label=_("Premises (m²)"), min_value=0, max_value=1_000_000)
    equipment = forms.CharField(label=_("Equipment"), max_length=2000, widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG or PNG)"), required=False)


class SignUpCheckForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=[(SignUp.Status.ELIGIBLE, _("Meets the conditions")),
                                                            (SignUp.Status.INELIGIBLE, _("Does not meet them"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scheduled_at = forms.DateTimeField(label=_("Draw time"), widget=DateTimeInput)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    public_numbers_source = forms.CharField(
        label=_("Source of the public numbers"), max_length=200,
        help_text=_("Announced on site, e.g. dice thrown by the witnesses, or the day's lottery numbers."))
    stream_url = forms.URLField(label=_("Live stream link"), required=False, max_length=300, assume_scheme="https")
    packages = forms.CharField(label=_("Packages in draw order (references, one per line)"), max_length=4000,
                               widget=forms.Textarea)


class WitnessForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Witness.Role.choices)
    name = forms.CharField(label=_("Name"), max_length=64)
    organisation = forms.CharField(label=_("Organisation"), max_length=128)


class DrawRunForm(forms.Form):
    public_numbers = forms.CharField(label=_("Public numbers, in the order announced"), max_length=400,
                                     help_text=_("Separated by spaces."))
    recording_ref = forms.CharField(label=_("Recording reference"), max_length=100, required=False)
    notary_certificate = forms.CharField(label=_("Notarial certificate no."), max_length=64, required=False)


class RedrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the re-draw"), max_length=2000, widget=forms.Textarea)
    extra_public_numbers = forms.CharField(label=_("New public numbers announced for the re-draw"), max_length=400)


class SessionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *DrawSession.Status.choices])


class ClassForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput)
    address = forms.CharField(label=_("Address"), max_length=200)
    teacher_names = forms.CharField(label=_("Teachers"), max_length=200)


class TraineeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=18)


class AttendanceForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput, initial=datetime.date.today)
    hours = forms.IntegerField(label=_("Hours taught"), min_value=1, max_value=12)
    present = forms.MultipleChoiceField(label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, trainees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(t.pk, t.person.name) for t in trainees]


class TraineeResultForm(forms.Form):
    completed = forms.BooleanField(label=_("Completed"), required=False)
    result = forms.ChoiceField(label=_("Assessment"), choices=Trainee.Result.choices)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40, required=False)
    employed_after = forms.BooleanField(label=_("Employed after training"), required=False)


class ClassFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *TrainingClass.Status.choices])


class SupervisionForm(forms.Form):
    layer = forms.ChoiceField(label=_("Supervision layer"), choices=SupervisionRecord.Layer.choices)
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput)
    inspector = forms.CharField(label=_("Inspector"), max_length=64)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea)
    correction_required = forms.CharField(label=_("Correction required"), max_length=2000, required=False,
                                          widget=forms.Textarea)
    correction_due = forms.DateField(label=_("Correct by"), required=False, widget=DateInput)


class SupervisionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *SupervisionRecord.Status.choices])
    layer = forms.ChoiceField(label=_("Supervision layer"), required=False,
                              choices=[("", _("All")), *SupervisionRecord.Layer.choices])


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up"), max_length=2000, widget=forms.Textarea)


class AcceptanceForm(forms.Form):
    evaluator = forms.CharField(label=_("Evaluating agency"), max_length=128)
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput)
    roster = forms.DecimalField(label=_("Roster check"), min_value=0, max_digits=5, decimal_places=2)
    attendance = forms.DecimalField(label=_("Attendance"), min_value=0, max_digits=5, decimal_places=2)
    hours = forms.DecimalField(label=_("Class hours"), min_value=0, max_digits=5, decimal_places=2)
    pass_rate = forms.DecimalField(label=_("Pass rate"), min_value=0, max_digits=5, decimal_places=2)
    employment = forms.DecimalField(label=_("Employment after training"), min_value=0, max_digits=5,
                                    decimal_places=2)
    satisfaction = forms.DecimalField(label=_("Satisfaction"), min_value=0, max_digits=5, decimal_places=2)
