"""The parameter register with its history, and the working-day calendar page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.policy.forms import CalendarYearForm, ParameterFilterForm
from guangyuan_jobs.policy.keys import key_label
from guangyuan_jobs.policy.selectors import (
    calendar_days_of_year,
    calendar_unknown_years,
    calendar_year_summaries,
    parameter_history,
    parameter_search,
)
from guangyuan_jobs.policy.services import calendar_year_enter


@login_required
@permission_required("policy.view_policyparameter", raise_exception=True)
def parameter_list(request):
    form = ParameterFilterForm(request.GET or None)
    form.is_valid()
    filters = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if value}
    return render(request, "policy/parameter_list.html", {
        "form": form, **paginate(request, parameter_search(**filters)),
        "can_supersede": request.user.has_perm("policy.add_policyparameter"),
        "can_view_calendar": request.user.has_perm("policy.view_calendaryear"),
    })


@login_required
@permission_required("policy.view_policyparameter", raise_exception=True)
def parameter_history_view(request, key: str):
    rows = list(parameter_history(key))
    if not rows:
        raise Http404
    today = timezone.localdate()
    return render(request, "policy/parameter_history.html", {
        "key": key, "label": key_label(key), "rows": rows,
        "in_force": {p.pk for p in rows if p.valid_from <= today and (p.valid_to is None or p.valid_to >= today)},
        "can_supersede": request.user.has_perm("policy.add_policyparameter"),
    })


@login_required
@permission_required("policy.view_calendaryear", raise_exception=True)
def calendar(request):
    """Which years are known, one year's exceptions, and the form that enters next year's schedule."""
    can_enter = request.user.has_perm("policy.add_calendaryear")
    form = CalendarYearForm()
    status = 200
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                calendar_year_enter(year=data["year"], holidays=data["holidays"], workdays=data["workdays"],
                                    source=data["source"], replace=data["replace"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The working-day calendar of %(year)d is entered.")
                                 % {"year": data["year"]})
                return redirect(f"{request.path}?year={data['year']}")
        status = 400
    today = timezone.localdate()
    try:
        shown_year = int(request.GET.get("year") or today.year)
    except ValueError:
        shown_year = today.year
    return render(request, "policy/calendar.html", {
        "form": form, "can_enter": can_enter, "years": calendar_year_summaries(), "shown_year": shown_year,
        "days": calendar_days_of_year(shown_year),
        "missing_years": calendar_unknown_years(today, datetime.date(today.year + 1, 1, 1)),
    }, status=status)
