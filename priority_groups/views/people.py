"""The caseload: the list of priority-group people, adding one, and the person's file (一人一档) with every
action on it. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.services import person_get_or_create
from priority_groups import forms, selectors
from priority_groups.models import EmploymentRegistration, HouseholdMember, Plan, PlanMeasure
from priority_groups.services import people as people_services
from priority_groups.services import plans as plan_services
from priority_groups.services import registration as registration_services
from priority_groups.services.common import MANAGE
from priority_groups.services.jobs import referral_create
from priority_groups.views.common import SERVICE_ERRORS, add_service_error, person_or_404, require_manage, require_view


@login_required
@require_GET
def person_list(request):
    require_view(request.user)
    form = forms.PersonFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    context = paginate(request, selectors.person_list_for(user=request.user, **filters))
    context.update({"filter_form": form, "may_manage": request.user.has_perm(MANAGE)})
    return render(request, "priority_groups/person_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request):
    """Put a person in a group: found by ID number, registered if new."""
    require_manage(request.user)
    form = forms.PersonAddForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_get_or_create(id_number=data["id_number"], name=data["name"], phone=data["phone"],
                                          region=data["region"], actor=request.user)
            people_services.membership_add(person=person, group=data["group"], subtype=data["subtype"],
                                           valid_from=data["valid_from"], evidence=data["evidence"],
                                           source=data["source"], actor=request.user)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is now in the group “%(group)s”.")
                             % {"name": person.name, "group": data["group"].label})
            return redirect("priority_groups:person_detail", pk=person.pk)
    return render(request, "priority_groups/person_add.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _file_context(request, person, **bound) -> dict:
    file = selectors.person_file(person)
    user = request.user
    vacancies = selectors.vacancy_list_for(user=user, open_only=True)
    forms_ = {
        "membership_form": forms.MembershipForm(),
        "status_form": forms.StatusForm(),
        "service_form": forms.ServiceForm(),
        "plan_form": forms.PlanForm(caseworkers=selectors.caseworker_choices_for(person),
                                    initial={"caseworker": user.pk}) if file.plan is None else None,
        "measure_form": forms.MeasureForm(),
        "close_form": forms.PlanCloseForm(),
        "unemployment_form": forms.UnemploymentForm(user=user, initial={"region": person.region_id}),
        "employment_form": forms.EmploymentForm(user=user, initial={"region": person.region_id}),
        "end_form": forms.RegistrationEndForm(),
        "household_form": forms.HouseholdForm(initial={"name": person.name}),
        "member_form": forms.HouseholdMemberForm(),
        "referral_form": forms.ReferralForm(vacancies=vacancies),
    }
    forms_.update(bound)
    open_registration = file.registrations.filter(ended_on__isnull=True).first()
    return {"file": file, "person": person, "may_manage": user.has_perm(MANAGE),
            "open_registration": open_registration, "today": timezone.localdate(),
            **forms_}


@login_required
@require_GET
def person_detail(request, pk):
    require_view(request.user)
    person = person_or_404(request.user, pk)
    return render(request, "priority_groups/person_detail.html", _file_context(request, person))


def _act(request, pk, *, form_name: str, build, run, success: str):
    """One action of the person's file: a valid form runs the service and returns to the file; a refusal
    shows the file again with the form's errors."""
    require_manage(request.user)
    person = person_or_404(request.user, pk)
    form = build(person)
    if form.is_valid():
        try:
            run(person, form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("priority_groups:person_detail", pk=person.pk)
    messages.error(request, _("Nothing was saved: see the form's messages below."))
    return render(request, "priority_groups/person_detail.html", _file_context(request, person, **{form_name: form}),
                  status=400)


@login_required
@require_POST
def membership_add(request, pk):
    return _act(request, pk, form_name="membership_form", build=lambda p: forms.MembershipForm(request.POST),
                run=lambda p, d: people_services.membership_add(
                    person=p, group=d["group"], subtype=d["subtype"], valid_from=d["valid_from"],
                    evidence=d["evidence"], source=d["source"], actor=request.user),
                success=_("The group was added."))


@login_required
@require_POST
def membership_end(request, pk, membership_id):
    def run(person, data):
        membership = person.group_memberships.filter(pk=membership_id).first()
        if membership is None:
            raise ConflictError(_("This membership no longer exists."))
        people_services.membership_end(membership=membership, valid_to=data["ended_on"], actor=request.user)

    return _act(request, pk, form_name="end_form", build=lambda p: forms.EndDateForm(request.POST),
                run=run, success=_("The membership ended."))


@login_required
@require_POST
def status_add(request, pk):
    return _act(request, pk, form_name="status_form", build=lambda p: forms.StatusForm(request.POST),
                run=lambda p, d: people_services.status_record(person=p, actor=request.user, **d),
                success=_("The employment status was recorded."))


@login_required
@require_POST
def service_add(request, pk):
    return _act(request, pk, form_name="service_form", build=lambda p: forms.ServiceForm(request.POST),
                run=lambda p, d: plan_services.service_record_create(person=p, actor=request.user, **d),
                success=_("The service was recorded."))


@login_required
@require_POST
def plan_add(request, pk):
    def run(person, d):
        measures = [(d["measure_kind"], d["measure_description"])] if d["measure_kind"] else []
        plan_services.plan_create(person=person, caseworker=d["caseworker"], needs=d["needs"],
                                  needs_note=d["needs_note"], measures=measures, actor=request.user)

    return _act(request, pk, form_name="plan_form",
                build=lambda p: forms.PlanForm(request.POST, caseworkers=selectors.caseworker_choices_for(p)),
                run=run, success=_("The plan was made; the first follow-up is scheduled."))


@login_required
@require_POST
def measure_add(request, pk):
    def run(person, d):
        plan = Plan.objects.filter(person=person).first()
        if plan is None:
            raise ConflictError(_("Make the plan first."))
        plan_services.plan_measure_add(plan=plan, actor=request.user, **d)

    return _act(request, pk, form_name="measure_form", build=lambda p: forms.MeasureForm(request.POST), run=run,
                success=_("The measure was added to the plan."))


@login_required
@require_POST
def measure_done(request, pk, measure_id):
    def run(person, d):
        measure = PlanMeasure.objects.filter(pk=measure_id, plan__person=person).first()
        if measure is None:
            raise ConflictError(_("This measure no longer exists."))
        plan_services.plan_measure_done(measure=measure, done_on=d["ended_on"], actor=request.user)

    return _act(request, pk, form_name="end_form", build=lambda p: forms.EndDateForm(request.POST), run=run,
                success=_("The measure is marked done."))


@login_required
@require_POST
def plan_close(request, pk):
    def run(person, d):
        plan = Plan.objects.filter(person=person).first()
        if plan is None:
            raise ConflictError(_("Make the plan first."))
        plan_services.plan_close(plan=plan, reason=d["reason"], actor=request.user)

    return _act(request, pk, form_name="close_form", build=lambda p: forms.PlanCloseForm(request.POST), run=run,
                success=_("The plan is closed."))


@login_required
@require_POST
def unemployment_register(request, pk):
    return _act(request, pk, form_name="unemployment_form",
                build=lambda p: forms.UnemploymentForm(request.POST, user=request.user),
                run=lambda p, d: registration_services.unemployment_register(person=p, actor=request.user, **d),
                success=_("The unemployment registration was recorded."))


@login_required
@require_POST
def employment_register(request, pk):
    return _act(request, pk, form_name="employment_form",
                build=lambda p: forms.EmploymentForm(request.POST, user=request.user),
                run=lambda p, d: registration_services.employment_register(person=p, actor=request.user, **d),
                success=_("The employment registration was recorded."))


@login_required
@require_POST
def registration_end(request, pk, registration_id):
    def run(person, d):
        registration = EmploymentRegistration.objects.filter(pk=registration_id, person=person).first()
        if registration is None:
            raise ConflictError(_("This registration no longer exists."))
        registration_services.registration_end(registration=registration, ended_on=d["ended_on"],
                                               reason=d["end_reason"], actor=request.user)

    return _act(request, pk, form_name="end_form", build=lambda p: forms.RegistrationEndForm(request.POST), run=run,
                success=_("The registration ended."))


@login_required
@require_POST
def household_add(request, pk):
    def run(person, d):
        if person.region is None:
            raise ValidationError(_("Record where the person lives first."))
        people_services.household_create(head=person, region=person.region, actor=request.user, **d)

    return _act(request, pk, form_name="household_form", build=lambda p: forms.HouseholdForm(request.POST), run=run,
                success=_("The household was recorded."))


@login_required
@require_POST
def household_member_add(request, pk):
    def run(person, d):
        membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
        if membership is None:
            raise ConflictError(_("Record the household first."))
        member = person_get_or_create(id_number=d["id_number"], name=d["name"], region=person.region,
                                      actor=request.user)
        people_services.household_member_add(household=membership.household, person=member,
                                             relationship=d["relationship"], actor=request.user)

    return _act(request, pk, form_name="member_form", build=lambda p: forms.HouseholdMemberForm(request.POST),
                run=run, success=_("The member was added to the household."))


@login_required
@require_POST
def referral_add(request, pk):
    return _act(request, pk, form_name="referral_form",
                build=lambda p: forms.ReferralForm(request.POST, vacancies=selectors.vacancy_list_for(
                    user=request.user, open_only=True)),
                run=lambda p, d: referral_create(person=p, actor=request.user, **d),
                success=_("The person was referred to the job."))


@login_required
@require_GET
def follow_up_list(request):
    """The caseworker's list: the follow-ups of their plans, overdue first."""
    require_manage(request.user)
    form = forms.FollowUpFilterForm(request.GET or None)
    overdue_only = bool(form.is_valid() and form.cleaned_data.get("overdue"))
    due = selectors.follow_ups_due_for(user=request.user, overdue_only=overdue_only)
    context = paginate(request, due)
    context.update({"filter_form": form, "today": timezone.localdate(),
                    "overdue_count": selectors.follow_ups_due_for(user=request.user, overdue_only=True).count()})
    return render(request, "priority_groups/follow_up_list.html", context)


urlpatterns = [
    path("", person_list, name="person_list"),
    path("people/add/", person_add, name="person_add"),
    path("people/<int:pk>/", person_detail, name="person_detail"),
    path("people/<int:pk>/groups/", membership_add, name="membership_add"),
    path("people/<int:pk>/groups/<int:membership_id>/end/", membership_end, name="membership_end"),
    path("people/<int:pk>/status/", status_add, name="status_add"),
    path("people/<int:pk>/services/", service_add, name="service_add"),
    path("people/<int:pk>/plan/", plan_add, name="plan_add"),
    path("people/<int:pk>/plan/measures/", measure_add, name="measure_add"),
    path("people/<int:pk>/plan/measures/<int:measure_id>/done/", measure_done, name="measure_done"),
    path("people/<int:pk>/plan/close/", plan_close, name="plan_close"),
    path("people/<int:pk>/registration/unemployment/", unemployment_register, name="unemployment_register"),
    path("people/<int:pk>/registration/employment/", employment_register, name="employment_register"),
    path("people/<int:pk>/registration/<int:registration_id>/end/", registration_end, name="registration_end"),
    path("people/<int:pk>/household/", household_add, name="household_add"),
    path("people/<int:pk>/household/members/", household_member_add, name="household_member_add"),
    path("people/<int:pk>/referrals/", referral_add, name="referral_add"),
    path("follow-ups/", follow_up_list, name="follow_up_list"),
]
