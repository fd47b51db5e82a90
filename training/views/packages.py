"""Plans and demand (training section), packages (public once published), institution registration and
sign-ups, the checks and the frozen pool."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.models import Region
from training import rules, selectors
from training.forms import (
    DemandLineForm,
    InstitutionForm,
    PackageFilterForm,
    PackageForm,
    PlanLineForm,
    ReasonForm,
    SignUpCheckForm,
    SignUpForm,
    YearForm,
)
from training.models import PlanLine, SignUp, TrainingPackage, TrainingPlan
from training.services import catalogue, packages
from training.views.common import attempt, or_404, require_institution, require_staff

MANAGE = "training.manage_training"


# --- plans and demand ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    require_staff(request.user)
    demand_form = DemandLineForm(request.POST or None, prefix="demand")
    if request.method == "POST" and demand_form.is_valid():
        data = demand_form.cleaned_data
        if attempt(request, lambda: catalogue.demand_line_submit(
                year=data["year"], department=data["department"], occupation=data["occupation"],
                level=data["level"], headcount=data["headcount"], region=Region.objects.get(code=data["region"]),
                note=data["note"], actor=request.user), _("The demand line is recorded."), demand_form):
            return redirect("training:plan_list")
    demand = selectors.demand_list_for(user=request.user).filter(plan__isnull=True)
    return render(request, "training/plans/list.html", {
        "plans": selectors.plan_list(), "demand": demand[:200], "demand_form": demand_form,
        "year_form": YearForm(prefix="plan"), "may_manage": request.user.has_perm(MANAGE)})


@login_required
@require_POST
def plan_consolidate(request):
    require_staff(request.user, MANAGE)
    form = YearForm(request.POST, prefix="plan")
    if form.is_valid():
        created = {}

        def run():
            created["plan"] = catalogue.plan_consolidate(year=form.cleaned_data["year"], actor=request.user)

        if attempt(request, run, _("The demand lines are consolidated into the plan.")):
            return redirect("training:plan_detail", pk=created["plan"].pk)
    return redirect("training:plan_list")


def _plan_page(request, plan, *, line_form=None, package_form=None, package_line=None, reason_form=None,
               status=200):
    lines = plan.lines.select_related("occupation", "region").prefetch_related("packages")
    return render(request, "training/plans/detail.html", {
        "plan": plan, "lines": lines, "may_manage": request.user.has_perm(MANAGE),
        "line_form": line_form or PlanLineForm(prefix="line"),
        "package_form": package_form or PackageForm(prefix="package"), "package_line": package_line,
        "reason_form": reason_form or ReasonForm(prefix="revise"),
        "total": sum(line.headcount for line in lines)}, status=status)


@login_required
@require_GET
def plan_detail(request, pk):
    require_staff(request.user)
    return _plan_page(request, get_object_or_404(TrainingPlan, pk=pk))


@login_required
@require_POST
def plan_action(request, pk, action):
    require_staff(request.user, MANAGE)
    plan = get_object_or_404(TrainingPlan, pk=pk)
    if action == "approve":
        attempt(request, lambda: catalogue.plan_approve(plan=plan, actor=request.user), _("The plan is approved."))
    elif action == "revise":
        form = ReasonForm(request.POST, prefix="revise")
        created = {}

        def revise():
            created["plan"] = catalogue.plan_revise(plan=plan, reason=form.cleaned_data["reason"], actor=request.user)

        if form.is_valid() and attempt(request, revise, _("A revision of the plan is open."), form):
            return redirect("training:plan_detail", pk=created["plan"].pk)
        return _plan_page(request, plan, reason_form=form, status=400)
    elif action == "line":
        form = PlanLineForm(request.POST, prefix="line")
        if not (form.is_valid() and attempt(request, lambda: catalogue.plan_line_set(
                plan=plan, occupation=form.cleaned_data["occupation"], level=form.cleaned_data["level"],
                region=Region.objects.get(code=form.cleaned_data["region"]),
                headcount=form.cleaned_data["headcount"], actor=request.user), _("The plan line is set."), form)):
            return _plan_page(request, plan, line_form=form, status=400)
    else:
        raise Http404
    return redirect("training:plan_detail", pk=plan.pk)


@login_required
@require_POST
def package_create(request, line_pk):
    require_staff(request.user, MANAGE)
    line = get_object_or_404(PlanLine, pk=line_pk)
    form = PackageForm(request.POST, prefix="package")
    created = {}
    if form.is_valid():
        def create():
            created["package"] = packages.package_create(plan_line=line, actor=request.user, **form.cleaned_data)

        if attempt(request, create, _("The package is created as a draft; publish it to take sign-ups."), form):
            return redirect("training:package_detail", ref=created["package"].ref)
    return _plan_page(request, line.plan, package_form=form, package_line=line.pk, status=400)


# --- packages (public once published) ------------------------------------------------------------------------


@require_GET
def package_list(request):
    form = PackageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.package_list_for(user=request.user, status=filters.get("status", ""), q=filters.get("q", ""))
    context = paginate(request, qs)
    context.update({"filter_form": form, "institution": selectors.institution_for(request.user)})
    return render(request, "training/packages/list.html", context)


def _package_page(request, package, *, signup_form=None, status=200):
    user = request.user
    institution = selectors.institution_for(user)
    staff = selectors.is_training_staff(user)
    own_signup = (package.signups.filter(institution=institution).exclude(status=SignUp.Status.WITHDRAWN).first()
                  if institution else None)
    signups = []
    if staff:
        for signup in selectors.signup_list_for(user=user, package=package):
            check = rules.signup_conditions(teachers=signup.teachers, premises_m2=signup.premises_m2,
                                            min_teachers=package.min_teachers,
                                            min_premises_m2=package.min_premises_m2)
            signups.append({"signup": signup, "check": check, "form": SignUpCheckForm(prefix=f"s{signup.pk}")})
    return render(request, "training/packages/detail.html", {
        "package": package, "institution": institution, "own_signup": own_signup, "staff": staff,
        "may_manage": staff and user.has_perm(MANAGE), "signups": signups,
        "signup_form": signup_form or (SignUpForm() if institution and not own_signup else None),
        "pool": (package.pool_document or {}).get("institutions", []),
        "session_entry": getattr(package, "session_entry", None)}, status=status)


@require_GET
def package_detail(request, ref):
    return _package_page(request, or_404(selectors.package_get_for(user=request.user, ref=ref)))


@login_required
@require_POST
def package_action(request, ref, action):
    package = or_404(selectors.package_get_for(user=request.user, ref=ref))
    if action == "publish":
        require_staff(request.user, MANAGE)
        attempt(request, lambda: packages.package_publish(package=package, actor=request.user),
                _("The package and its conditions are published."))
    elif action == "freeze":
        require_staff(request.user, MANAGE)
        attempt(request, lambda: packages.pool_freeze(package=package, actor=request.user),
                _("The pool is frozen and its hash published."))
    elif action == "signup":
        institution = require_institution(request.user)
        form = SignUpForm(request.POST, request.FILES)
        if not (form.is_valid() and attempt(request, lambda: packages.signup_submit(
                package=package, institution=institution, actor=request.user, **form.cleaned_data),
                _("Your sign-up is submitted; the training section will check it."), form)):
            return _package_page(request, package, signup_form=form, status=400)
    elif action == "withdraw":
        institution = require_institution(request.user)
        signup = or_404(package.signups.filter(institution=institution).exclude(
            status=SignUp.Status.WITHDRAWN).first())
        attempt(request, lambda: packages.signup_withdraw(signup=signup, actor=request.user),
                _("Your sign-up is withdrawn."))
    else:
        raise Http404
    return redirect("training:package_detail", ref=package.ref)


@login_required
@require_POST
def signup_check(request, pk):
    require_staff(request.user, MANAGE)
    signup = or_404(selectors.signup_list_for(user=request.user).filter(pk=pk).first())
    form = SignUpCheckForm(request.POST, prefix=f"s{signup.pk}")
    if form.is_valid():
        attempt(request, lambda: packages.signup_check(
            signup=signup, eligible=form.cleaned_data["verdict"] == SignUp.Status.ELIGIBLE,
            note=form.cleaned_data["note"], actor=request.user), _("The check is recorded."))
    return redirect("training:package_detail", ref=signup.package.ref)


@login_required
@require_GET
def signup_evidence(request, pk):
    signup = or_404(selectors.signup_list_for(user=request.user).filter(pk=pk).first())
    if not signup.evidence:
        raise Http404
    response = FileResponse(signup.evidence.open("rb"), as_attachment=True,
                            filename=f"{signup.package.ref}-{signup.institution.code}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- institutions ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def institution_home(request):
    """An enterprise account's institution page: registration, then its sign-ups and classes."""
    user = request.user
    if not (user.is_applicant and user.enterprise_id):
        raise Http404
    institution = selectors.institution_for(user)
    form = InstitutionForm(request.POST or None) if institution is None else None
    if request.method == "POST" and form is not None and form.is_valid() and attempt(
            request, lambda: packages.institution_register(enterprise=user.enterprise, actor=user,
                                                           **form.cleaned_data),
            _("Your institution is registered; you can now sign up for published packages."), form):
        return redirect("training:institution_home")
    return render(request, "training/institution.html", {
        "institution": institution, "form": form,
        "signups": selectors.signup_list_for(user=user) if institution else [],
        "classes": selectors.class_list_for(user=user) if institution else [],
        "contracts": TrainingPackage.objects.filter(contractor=institution) if institution else []})


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/consolidate/", plan_consolidate, name="plan_consolidate"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/<str:action>/", plan_action, name="plan_action"),
    path("plan-lines/<int:line_pk>/packages/", package_create, name="package_create"),
    path("packages/", package_list, name="package_list"),
    path("packages/<str:ref>/", package_detail, name="package_detail"),
    path("packages/<str:ref>/<str:action>/", package_action, name="package_action"),
    path("signups/<int:pk>/check/", signup_check, name="signup_check"),
    path("signups/<int:pk>/evidence/", signup_evidence, name="signup_evidence"),
    path("institution/", institution_home, name="institution_home"),
]
