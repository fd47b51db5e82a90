"""Classes (开班备案) with their roster, attendance, results and certificates; supervision records; the third
party's acceptance; the institution's training-subsidy claim. Institutions see their own classes, staff their area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.services import person_get_or_create
from training import selectors
from training.forms import (
    AcceptanceForm,
    AttendanceForm,
    ClassFilterForm,
    ClassForm,
    FollowUpForm,
    SupervisionFilterForm,
    SupervisionForm,
    TraineeForm,
    TraineeResultForm,
)
from training.models import TrainingSubsidyDetail
from training.services import delivery
from training.views.common import attempt, or_404, require_institution, require_staff


@login_required
@require_GET
def class_list(request):
    if selectors.institution_for(request.user) is None:
        require_staff(request.user, "training.view_trainingclass")
    form = ClassFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.class_list_for(user=request.user, status=filters.get("status", ""),
                                                         q=filters.get("q", "")))
    context["filter_form"] = form
    return render(request, "training/classes/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request, package_ref):
    institution = require_institution(request.user)
    package = or_404(selectors.package_get_for(user=request.user, ref=package_ref))
    if package.contractor_id != institution.pk:
        raise Http404
    form = ClassForm(request.POST or None)
    created = {}
    if request.method == "POST" and form.is_valid():
        def file_class():
            created["class"] = delivery.class_file(package=package, actor=request.user, **form.cleaned_data)

        if attempt(request, file_class, _("The class is filed."), form):
            return redirect("training:class_detail", ref=created["class"].ref)
    return render(request, "training/classes/new.html", {"form": form, "package": package})


def _class_page(request, training_class, *, forms=None, status=200):
    user = request.user
    trainees = list(training_class.trainees.select_related("person").order_by("id"))
    forms = forms or {}
    is_owner = selectors.institution_for(user) is not None
    claim = (TrainingSubsidyDetail.objects.filter(training_class=training_class, voided=False)
             .select_related("case").first())
    return render(request, "training/classes/detail.html", {
        "training_class": training_class, "package": training_class.package, "trainees": trainees,
        "is_owner": is_owner, "staff": not is_owner,
        "may_supervise": user.has_perm("training.add_supervisionrecord") and not is_owner,
        "may_accept": user.has_perm("training.add_acceptance") and not is_owner,
        "open": training_class.status != "completed",
        "trainee_form": forms.get("trainee") or TraineeForm(prefix="trainee"),
        "attendance_form": forms.get("attendance") or AttendanceForm(prefix="attendance", trainees=trainees),
        "result_forms": {t.pk: TraineeResultForm(prefix=f"r{t.pk}", initial={
            "completed": t.completed, "result": t.result, "certificate_no": t.certificate_no,
            "employed_after": t.employed_after}) for t in trainees},
        "supervision_form": forms.get("supervision") or SupervisionForm(prefix="supervision"),
        "acceptance_form": forms.get("acceptance") or AcceptanceForm(prefix="acceptance"),
        "supervisions": training_class.supervisions.all(),
        "acceptance": getattr(training_class, "acceptance", None), "claim": claim,
        "days": training_class.days.order_by("day")}, status=status)


def _class_or_404(request, ref):
    return or_404(selectors.class_get_for(user=request.user, ref=ref))


@login_required
@require_GET
def class_detail(request, ref):
    return _class_page(request, _class_or_404(request, ref))


@login_required
@require_POST
def class_action(request, ref, action):
    training_class = _class_or_404(request, ref)
    user = request.user
    if action == "trainee":
        form = TraineeForm(request.POST, prefix="trainee")

        def add():
            person = person_get_or_create(id_number=form.cleaned_data["id_number"], name=form.cleaned_data["name"],
                                          actor=user)
            delivery.trainee_add(training_class=training_class, person=person, actor=user)

        if not (form.is_valid() and attempt(request, add, _("The trainee is on the roster."), form)):
            return _class_page(request, training_class, forms={"trainee": form}, status=400)
    elif action == "attendance":
        form = AttendanceForm(request.POST, prefix="attendance", trainees=training_class.trainees.select_related(
            "person"))
        if not (form.is_valid() and attempt(request, lambda: delivery.attendance_record(
                training_class=training_class, day=form.cleaned_data["day"], hours=form.cleaned_data["hours"],
                present=[int(pk) for pk in form.cleaned_data["present"]], actor=user),
                _("Attendance is recorded."), form)):
            return _class_page(request, training_class, forms={"attendance": form}, status=400)
    elif action == "complete":
        attempt(request, lambda: delivery.class_complete(training_class=training_class, actor=user),
                _("The class is completed."))
    elif action == "supervision":
        form = SupervisionForm(request.POST, prefix="supervision")
        if not (form.is_valid() and attempt(request, lambda: delivery.supervision_record(
                training_class=training_class, actor=user, **form.cleaned_data),
                _("The supervision record is saved."), form)):
            return _class_page(request, training_class, forms={"supervision": form}, status=400)
    elif action == "acceptance":
        form = AcceptanceForm(request.POST, prefix="acceptance")
        scores = {k: v for k, v in form.cleaned_data.items() if k not in ("evaluator", "evaluated_on")} \
            if form.is_valid() else {}
        if not (form.is_valid() and attempt(request, lambda: delivery.acceptance_record(
                training_class=training_class, evaluator=form.cleaned_data["evaluator"],
                evaluated_on=form.cleaned_data["evaluated_on"], scores=scores, actor=user),
                _("The acceptance is recorded."), form)):
            return _class_page(request, training_class, forms={"acceptance": form}, status=400)
    elif action == "claim":
        created = {}

        def claim():
            created["case"] = delivery.training_subsidy_claim(training_class=training_class, actor=user)

        if attempt(request, claim, _("Your training-subsidy claim is submitted.")):
            return redirect("casework:case_detail", ref=created["case"].ref)
    else:
        raise Http404
    return redirect("training:class_detail", ref=training_class.ref)


@login_required
@require_POST
def trainee_result(request, ref, pk):
    training_class = _class_or_404(request, ref)
    trainee = or_404(training_class.trainees.filter(pk=pk).first())
    form = TraineeResultForm(request.POST, prefix=f"r{trainee.pk}")
    if form.is_valid():
        attempt(request, lambda: delivery.trainee_result_set(trainee=trainee, actor=request.user,
                                                             **form.cleaned_data), _("The result is saved."))
    return redirect("training:class_detail", ref=training_class.ref)


@login_required
@require_GET
def supervision_list(request):
    require_staff(request.user, "training.view_supervisionrecord")
    form = SupervisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = paginate(request, selectors.supervision_list_for(user=request.user, status=filters.get("status", ""),
                                                               layer=filters.get("layer", "")))
    context.update({"filter_form": form, "follow_up_form": FollowUpForm(),
                    "may_close": request.user.has_perm("training.add_supervisionrecord")})
    return render(request, "training/classes/supervision_list.html", context)


@login_required
@require_POST
def supervision_close(request, pk):
    require_staff(request.user, "training.add_supervisionrecord")
    record = or_404(selectors.supervision_list_for(user=request.user).filter(pk=pk).first())
    form = FollowUpForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: delivery.supervision_close(record=record, follow_up=form.cleaned_data["follow_up"],
                                                            actor=request.user), _("The finding is closed."))
    else:
        messages.error(request, _("Describe the follow-up that confirmed the correction."))
    return redirect("training:supervision_list")


urlpatterns = [
    path("classes/", class_list, name="class_list"),
    path("packages/<str:package_ref>/classes/new/", class_new, name="class_new"),
    path("classes/<str:ref>/", class_detail, name="class_detail"),
    path("classes/<str:ref>/trainees/<int:pk>/result/", trainee_result, name="trainee_result"),
    path("classes/<str:ref>/<str:action>/", class_action, name="class_action"),
    path("supervision/", supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/close/", supervision_close, name="supervision_close"),
]
