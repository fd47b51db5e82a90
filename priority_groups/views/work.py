"""Service records, households, vacancies with their referrals, and the group reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.pagination import paginate
from priority_groups import forms, selectors
from priority_groups.services.common import MANAGE
from priority_groups.services.jobs import referral_outcome_record, vacancy_create
from priority_groups.views.common import SERVICE_ERRORS, add_service_error, require_manage, require_view


def _filters(form) -> dict:
    return {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}


@login_required
@require_GET
def service_list(request):
    require_view(request.user)
    form = forms.ServiceFilterForm(request.GET or None)
    services = selectors.service_list_for(user=request.user, **_filters(form))
    context = paginate(request, services)
    context.update({"filter_form": form})
    return render(request, "priority_groups/service_list.html", context)


@login_required
@require_GET
def household_list(request):
    require_view(request.user)
    form = forms.HouseholdFilterForm(request.GET or None)
    rows = selectors.household_list_for(user=request.user, **_filters(form))
    context = paginate(request, rows)
    context.update({"filter_form": form})
    return render(request, "priority_groups/household_list.html", context)


@login_required
@require_GET
def vacancy_list(request):
    require_view(request.user)
    form = forms.VacancyFilterForm(request.GET or None)
    context = paginate(request, selectors.vacancy_list_for(user=request.user, **_filters(form)))
    context.update({"filter_form": form, "may_manage": request.user.has_perm(MANAGE)})
    return render(request, "priority_groups/vacancy_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_new(request):
    require_manage(request.user)
    form = forms.VacancyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_create(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The vacancy was recorded."))
            return redirect("priority_groups:vacancy_detail", pk=vacancy.pk)
    return render(request, "priority_groups/vacancy_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _vacancy_or_404(user, pk):
    vacancy = selectors.vacancy_get_for(user=user, pk=pk)
    if vacancy is None:
        raise Http404
    return vacancy


@login_required
@require_GET
def vacancy_detail(request, pk):
    require_view(request.user)
    vacancy = _vacancy_or_404(request.user, pk)
    referrals = selectors.referrals_of_vacancy_for(user=request.user, vacancy=vacancy)
    return render(request, "priority_groups/vacancy_detail.html", {
        "vacancy": vacancy, "referrals": referrals, "outcome_form": forms.ReferralOutcomeForm(),
        "may_manage": request.user.has_perm(MANAGE)})


@login_required
@require_POST
def referral_outcome(request, pk):
    require_manage(request.user)
    referral = selectors.referral_get_for(user=request.user, pk=pk)
    if referral is None:
        raise Http404
    form = forms.ReferralOutcomeForm(request.POST)
    if form.is_valid():
        try:
            referral_outcome_record(referral=referral, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect("priority_groups:vacancy_detail", pk=referral.vacancy_id)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("priority_groups:vacancy_detail", pk=referral.vacancy_id)


@login_required
@require_GET
def report(request):
    """A group's figures as the report cites them, by district or village, with last year beside them."""
    require_view(request.user)
    form = forms.ReportForm(request.GET or None, initial={"group": "graduate"})
    context = {"filter_form": form}
    if form.is_valid():
        start, end = form.period()
        group = form.cleaned_data["group"]
        total, rows = selectors.group_report_for(user=request.user, group=group, start=start, end=end,
                                                 by=form.cleaned_data["by"])
        last_year, _rows = selectors.group_report_for(user=request.user, group=group,
                                                      start=start.replace(year=start.year - 1),
                                                      end=end.replace(year=end.year - 1, day=min(end.day, 28))
                                                      if end.month == 2 else end.replace(year=end.year - 1))
        context.update({"total": total, "rows": rows, "last_year": last_year, "start": start, "end": end,
                        "group_label": dict(selectors.group_choices()).get(group, group)})
    return render(request, "priority_groups/report.html", context)


urlpatterns = [
    path("services/", service_list, name="service_list"),
    path("households/", household_list, name="household_list"),
    path("vacancies/", vacancy_list, name="vacancy_list"),
    path("vacancies/new/", vacancy_new, name="vacancy_new"),
    path("vacancies/<int:pk>/", vacancy_detail, name="vacancy_detail"),
    path("referrals/<int:pk>/outcome/", referral_outcome, name="referral_outcome"),
    path("reports/", report, name="report"),
]
