"""Organised transfers with their people, employment bases and workshops with their workers, and the
monitored villages' monthly returns."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.services import person_get_or_create
from priority_groups import forms, selectors
from priority_groups.services import transfers as services
from priority_groups.services.common import MANAGE
from priority_groups.views.common import SERVICE_ERRORS, add_service_error, require_manage, require_view


def _post_form(request, form, run, success: str, redirect_to):
    """Run a valid posted form's service; a refusal stays on the page with the form's errors (400)."""
    if request.method != "POST":
        return None
    require_manage(request.user)
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(*redirect_to(result))
    return False


@login_required
@require_http_methods(["GET", "POST"])
def trip_list(request):
    require_view(request.user)
    form = forms.TripForm(request.POST or None, user=request.user)
    done = _post_form(request, form, lambda d: services.trip_create(actor=request.user, **d),
                      _("The transfer was recorded; add its people."), lambda trip: ("priority_groups:trip_detail",
                                                                                     trip.pk))
    if done:
        return done
    context = paginate(request, selectors.trip_list_for(user=request.user))
    context.update({"form": form, "may_manage": request.user.has_perm(MANAGE)})
    return render(request, "priority_groups/trip_list.html", context, status=400 if done is False else 200)


@login_required
@require_http_methods(["GET", "POST"])
def trip_detail(request, pk):
    require_view(request.user)
    trip = selectors.trip_get_for(user=request.user, pk=pk)
    if trip is None:
        raise Http404
    form = forms.TripMemberForm(request.POST or None)

    def run(d):
        person = person_get_or_create(id_number=d["id_number"], name=d["name"], region=trip.region,
                                      actor=request.user)
        return services.trip_member_add(trip=trip, person=person, employer_name=d["employer_name"],
                                        actor=request.user)

    done = _post_form(request, form, run, _("The person was added to the transfer."),
                      lambda member: ("priority_groups:trip_detail", trip.pk))
    if done:
        return done
    members = trip.members.select_related("person").order_by("id")
    return render(request, "priority_groups/trip_detail.html", {
        "trip": trip, "members": members, "form": form, "may_manage": request.user.has_perm(MANAGE)},
        status=400 if done is False else 200)


@login_required
@require_http_methods(["GET", "POST"])
def base_list(request):
    require_view(request.user)
    form = forms.BaseForm(request.POST or None, user=request.user)
    done = _post_form(request, form, lambda d: services.base_create(actor=request.user, **d),
                      _("The base or workshop was recorded."), lambda base: ("priority_groups:base_detail", base.pk))
    if done:
        return done
    context = paginate(request, selectors.base_list_for(user=request.user))
    context.update({"form": form, "may_manage": request.user.has_perm(MANAGE)})
    return render(request, "priority_groups/base_list.html", context, status=400 if done is False else 200)


@login_required
@require_http_methods(["GET", "POST"])
def base_detail(request, pk):
    require_view(request.user)
    base = selectors.base_get_for(user=request.user, pk=pk)
    if base is None:
        raise Http404
    form = forms.BaseWorkerForm(request.POST or None)

    def run(d):
        person = person_get_or_create(id_number=d["id_number"], name=d["name"], region=base.region,
                                      actor=request.user)
        return services.base_worker_add(base=base, person=person, started_on=d["started_on"], actor=request.user)

    done = _post_form(request, form, run, _("The worker was added."),
                      lambda worker: ("priority_groups:base_detail", base.pk))
    if done:
        return done
    workers = base.workers.select_related("person").order_by("-started_on")
    return render(request, "priority_groups/base_detail.html", {
        "base": base, "workers": workers, "form": form, "may_manage": request.user.has_perm(MANAGE)},
        status=400 if done is False else 200)


@login_required
@require_http_methods(["GET", "POST"])
def village_return_list(request):
    require_view(request.user)
    form = forms.VillageReturnForm(request.POST or None, user=request.user)
    done = _post_form(request, form, lambda d: services.village_return_submit(actor=request.user, **d),
                      _("The village's return was saved."), lambda row: ("priority_groups:village_return_list",))
    if done:
        return done
    context = paginate(request, selectors.village_return_list_for(user=request.user))
    context.update({"form": form, "may_manage": request.user.has_perm(MANAGE)})
    return render(request, "priority_groups/village_return_list.html", context,
                  status=400 if done is False else 200)


urlpatterns = [
    path("transfers/", trip_list, name="trip_list"),
    path("transfers/<int:pk>/", trip_detail, name="trip_detail"),
    path("bases/", base_list, name="base_list"),
    path("bases/<int:pk>/", base_detail, name="base_detail"),
    path("villages/", village_return_list, name="village_return_list"),
]
