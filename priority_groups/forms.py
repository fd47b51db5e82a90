"""Browser forms of the priority-groups pages. They check shapes; the services check the rules."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.core.identifiers import parse_resident_id
from guangyuan_jobs.registry.models import Region
from priority_groups.models import (
    EmploymentBase,
    EmploymentRegistration,
    EmploymentStatusKind,
    GroupCode,
    HouseholdMember,
    MembershipSource,
    Need,
    PlanMeasure,
    Referral,
    ServiceChannel,
    ServiceType,
    TransferTrip,
    Vacancy,
)
from priority_groups.selectors import group_choices


class DateInput(forms.DateInput):
    """An HTML date picker: its value is always ISO, whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's argument name
        super().__init__(attrs=attrs, format=format)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render `{{ field }}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css


def _date(label, *, initial_today: bool = True, required: bool = True):
    return forms.DateField(label=label, widget=DateInput, required=required,
                           initial=timezone.localdate if initial_today else None)


def region_choices_for(user) -> list[tuple[str, str]]:
    """The regions a staff member works in (their district and what is below it; the whole city for city staff).
    The services check the scope again; this only keeps the list short."""
    regions = Region.objects.filter(code__startswith=CITY_CODE[:4]).order_by("code")
    if user.scope == User.Scope.DISTRICT and user.scope_region_id:
        regions = regions.filter(code__startswith=user.scope_region_id[:6])
    elif user.scope == User.Scope.CITY_LEVEL:
        regions = regions.filter(code=CITY_CODE)
    elif user.scope != User.Scope.WHOLE_CITY:
        regions = regions.none()
    return [(r.code, r.name) for r in regions]


class RegionChoiceField(forms.ChoiceField):
    def clean(self, value):
        code = super().clean(value)
        return Region.objects.get(pk=code) if code else None


def _subtype_choices():
    return [("", "—"), *[(g.code, f"{g.parent.label}：{g.label}")
                         for g in GroupCode.objects.filter(parent__isnull=False, active=True).select_related("parent")]]


class _GroupFields(StyledForm):
    group = forms.ChoiceField(label=_("Group"), choices=group_choices)
    subtype = forms.ChoiceField(label=_("Subtype"), required=False, choices=_subtype_choices)
    valid_from = _date(_("In the group from"))
    evidence = forms.CharField(label=_("Evidence"), max_length=200,
                               help_text=_("The document or list that shows it, e.g. 教育厅2026届离校未就业名单."))
    source = forms.ChoiceField(label=_("Source"), choices=MembershipSource.choices, initial=MembershipSource.CASEWORKER)

    def clean_group(self):
        return GroupCode.objects.get(pk=self.cleaned_data["group"])

    def clean_subtype(self):
        code = self.cleaned_data.get("subtype")
        return GroupCode.objects.get(pk=code) if code else None


class MembershipForm(_GroupFields):
    prefix = "membership"


class PersonAddForm(_GroupFields):
    """A person (found or registered by ID number) put in a group."""

    id_number = forms.CharField(label=_("ID number"), max_length=22)
    name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.RegexField(label=_("Phone"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("Enter an 11-digit mobile number.")})
    region = RegionChoiceField(label=_("Lives in"))
    field_order = ["id_number", "name", "phone", "region", "group", "subtype", "valid_from", "evidence", "source"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)

    def clean_id_number(self):
        try:
            return parse_resident_id(self.cleaned_data["id_number"]).number
        except Exception as exc:  # the parser's ValidationError or ValueError, shown on the field
            raise forms.ValidationError(getattr(exc, "messages", [str(exc)])) from None


class StatusForm(StyledForm):
    prefix = "status"
    status = forms.ChoiceField(label=_("Employment status"), choices=EmploymentStatusKind.choices)
    valid_from = _date(_("From"))
    employer_name = forms.CharField(label=_("Employer or place of work"), max_length=128, required=False)
    work_place = forms.CharField(label=_("Where"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ServiceForm(StyledForm):
    prefix = "service"
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    served_on = _date(_("Date"))
    channel = forms.ChoiceField(label=_("Channel"), choices=ServiceChannel.choices)
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)


class PlanForm(StyledForm):
    prefix = "plan"
    caseworker = forms.ModelChoiceField(label=_("Responsible caseworker"), queryset=User.objects.none())
    needs = forms.MultipleChoiceField(label=_("Needs"), choices=Need.choices, widget=forms.CheckboxSelectMultiple)
    needs_note = forms.CharField(label=_("Needs in their words"), max_length=500, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    measure_kind = forms.ChoiceField(label=_("First measure"), choices=[("", "—"), *PlanMeasure.Kind.choices],
                                     required=False)
    measure_description = forms.CharField(label=_("What exactly"), max_length=200, required=False)

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = User.objects.filter(pk__in=[u.pk for u in caseworkers])
        self.fields["caseworker"].label_from_instance = lambda u: u.display_name or u.username

    def clean(self):
        data = super().clean()
        if data.get("measure_kind") and not data.get("measure_description"):
            self.add_error("measure_description", _("Say what the measure is."))
        return data


class MeasureForm(StyledForm):
    prefix = "measure"
    kind = forms.ChoiceField(label=_("Measure"), choices=PlanMeasure.Kind.choices)
    description = forms.CharField(label=_("What exactly"), max_length=200)


class PlanCloseForm(StyledForm):
    prefix = "close"
    reason = forms.CharField(label=_("Reason"), max_length=200)


class UnemploymentForm(StyledForm):
    prefix = "unemployment"
    region = RegionChoiceField(label=_("Registered at"))
    registered_on = _date(_("Registered on"))
    urban = forms.BooleanField(label=_("Urban household registration (城镇户籍)"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)


class EmploymentForm(UnemploymentForm):
    prefix = "employment"
    form = forms.ChoiceField(label=_("Form of employment"), choices=EmploymentRegistration.Form.choices)
    employer_name = forms.CharField(label=_("Employer or platform"), max_length=128, required=False)


class EndDateForm(StyledForm):
    """Just a date: a membership's end, a measure done."""

    prefix = "end"
    ended_on = _date(_("Ended on"))


class RegistrationEndForm(EndDateForm):
    end_reason = forms.ChoiceField(label=_("Reason"), choices=EmploymentRegistration.EndReason.choices)


class HouseholdForm(StyledForm):
    prefix = "household"
    name = forms.CharField(label=_("Household"), max_length=64)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    urban = forms.BooleanField(label=_("Urban household"), required=False, initial=True)


class HouseholdMemberForm(StyledForm):
    prefix = "member"
    id_number = forms.CharField(label=_("Member's ID number"), max_length=22)
    name = forms.CharField(label=_("Name"), max_length=64)
    relationship = forms.ChoiceField(label=_("Relationship"),
                                     choices=[c for c in HouseholdMember.Relationship.choices if c[0] != "head"])

    def clean_id_number(self):
        try:
            return parse_resident_id(self.cleaned_data["id_number"]).number
        except Exception as exc:  # the parser's ValidationError or ValueError
            raise forms.ValidationError(getattr(exc, "messages", [str(exc)])) from None


class ReferralForm(StyledForm):
    prefix = "referral"
    vacancy = forms.ModelChoiceField(label=_("Vacancy"), queryset=Vacancy.objects.none())
    referred_on = _date(_("Referred on"))
    channel = forms.ChoiceField(label=_("Channel"), choices=ServiceChannel.choices, initial=ServiceChannel.PHONE)

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies


class ReferralOutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Referral.Outcome.choices
                                                             if c[0] != Referral.Outcome.PENDING])
    outcome_on = _date(_("Outcome on"))


class VacancyForm(StyledForm):
    title = forms.CharField(label=_("Job"), max_length=128)
    source = forms.ChoiceField(label=_("Source"), choices=Vacancy.Source.choices)
    employer_name = forms.CharField(label=_("Employer"), max_length=128)
    region = RegionChoiceField(label=_("Region"))
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=100_000)
    wage = forms.CharField(label=_("Pay"), max_length=64, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)


# --- filters --------------------------------------------------------------------------------------------------


def _filter_region_choices():
    from guangyuan_jobs.registry.selectors import region_choices

    return [("", _("All regions")), *region_choices()]


class PersonFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), required=False, choices=lambda: [("", _("All groups")),
                                                                                *group_choices()])
    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=_filter_region_choices)
    status = forms.ChoiceField(label=_("Status now"), required=False,
                               choices=[("", _("Any status")), *EmploymentStatusKind.choices])


class FollowUpFilterForm(forms.Form):
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ServiceFilterForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), required=False,
                                     choices=[("", _("All services")), *ServiceType.choices])
    group = forms.ChoiceField(label=_("Group"), required=False, choices=lambda: [("", _("All groups")),
                                                                                *group_choices()])
    region = forms.ChoiceField(label=_("Region"), required=False, choices=_filter_region_choices)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)


class VacancyFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("All sources")), *Vacancy.Source.choices])
    open_only = forms.BooleanField(label=_("Open only"), required=False)


class HouseholdFilterForm(forms.Form):
    name = forms.CharField(label=_("Household"), max_length=64, required=False)
    zero_only = forms.BooleanField(label=_("Zero-employment households only"), required=False)


def _year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, this_year - 8, -1)]


class ReportForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), choices=group_choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    by = forms.ChoiceField(label=_("By"), choices=[("district", _("District or county")),
                                                   ("village", _("Village or community"))])

    def period(self) -> tuple[datetime.date, datetime.date]:
        year = self.cleaned_data["year"]
        end = min(datetime.date(year, 12, 31), timezone.localdate())
        return datetime.date(year, 1, 1), end


class RosterUploadForm(StyledForm):
    group = forms.ChoiceField(label=_("Group"), choices=group_choices)
    valid_from = _date(_("In the group from"))
    evidence = forms.CharField(label=_("Which list"), max_length=200,
                               help_text=_("e.g. 省教育厅2026届离校未就业高校毕业生名单"))
    file = forms.FileField(label=_("Roster (.xlsx)"))

    def clean_group(self):
        return GroupCode.objects.get(pk=self.cleaned_data["group"])


class PreviewFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Result"), required=False, choices=lambda: [
        ("", _("All rows")), ("new", _("Added to the group")), ("unchanged", _("Already in the group")),
        ("rejected", _("Rejected"))])


class TripForm(StyledForm):
    cooperation = forms.ChoiceField(label=_("Cooperation"), choices=TransferTrip.Cooperation.choices)
    destination = forms.CharField(label=_("Destination"), max_length=64)
    region = RegionChoiceField(label=_("Organised by"))
    departed_on = _date(_("Departed on"))
    transport = forms.CharField(label=_("Transport"), max_length=64, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)


class _PersonByIdForm(StyledForm):
    id_number = forms.CharField(label=_("ID number"), max_length=22)
    name = forms.CharField(label=_("Name"), max_length=64)

    def clean_id_number(self):
        try:
            return parse_resident_id(self.cleaned_data["id_number"]).number
        except Exception as exc:  # the parser's ValidationError or ValueError
            raise forms.ValidationError(getattr(exc, "messages", [str(exc)])) from None


class TripMemberForm(_PersonByIdForm):
    employer_name = forms.CharField(label=_("Employer"), max_length=128)


class BaseForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=EmploymentBase.Kind.choices)
    region = RegionChoiceField(label=_("Region"))
    operator_name = forms.CharField(label=_("Run by"), max_length=128)
    established_on = _date(_("Established on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices_for(user)


class BaseWorkerForm(_PersonByIdForm):
    started_on = _date(_("Started on"))


class VillageReturnForm(StyledForm):
    region = RegionChoiceField(label=_("Village"))
    month = _date(_("Month (any day of it)"))
    migrants_out = forms.IntegerField(label=_("Migrant workers out"), min_value=0)
    returned = forms.IntegerField(label=_("Returned"), min_value=0)
    employed_locally = forms.IntegerField(label=_("Employed locally"), min_value=0)
    not_working = forms.IntegerField(label=_("Not working"), min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(code, name) for code, name in region_choices_for(user) if len(code) == 12]
