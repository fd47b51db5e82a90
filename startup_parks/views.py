"""Browser pages: the park register with filters, a park's page (certificates, applications, resident firms, jobs),
the certification application with evidence, the score sheet with the evaluators' and the decider's forms, and
the parks due for re-evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.policy.selectors import policy_parameter
from startup_parks import rules, selectors
from startup_parks.forms import DecisionForm, JobsForm, MoveOutForm, ParkFilterForm, ParkForm, ResidentForm
from startup_parks.models import OPEN_APPLICATION_STATUSES, ParkStatus, Resident
from startup_parks.services import certification, parks

VIEW = "startup_parks.view_park"


def _may_list(user) -> bool:
    return (user.is_applicant and bool(user.enterprise_id)) or (not user.is_applicant and user.has_perm(VIEW))


def _park_or_404(user, ref):
    try:
        return selectors.park_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


def _application_or_404(user, ref):
    try:
        return selectors.application_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


def _require_recorder(user, park) -> None:
    if not (selectors.is_operator(user, park) or (not user.is_applicant and user.has_perm(parks.RECORD))):
        raise PermissionDenied


def _form_errors(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_GET
def park_list(request):
    user = request.user
    if not _may_list(user):
        raise PermissionDenied
    filter_form = ParkFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    return render(request, "startup_parks/parks/list.html", {
        "filter_form": filter_form, **paginate(request, selectors.park_list_for(user=user, filters=filters)),
        "may_register": user.is_applicant or user.has_perm(parks.ADD)})


@login_required
@require_http_methods(["GET", "POST"])
def park_new(request):
    user = request.user
    by_operator = user.is_applicant
    if not ((by_operator and user.enterprise_id) or (not by_operator and user.has_perm(parks.ADD))):
        raise PermissionDenied
    form = ParkForm(request.POST or None, by_operator=by_operator)
    if request.method == "POST" and form.is_valid():
        try:
            park = parks.park_register(data=form.service_data(), actor=user)
        except ValidationError as exc:
            _form_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The park %(name)s is registered.") % {"name": park.name})
            return redirect("startup_parks:park_detail", park.ref)
    return render(request, "startup_parks/parks/new.html", {"form": form})


def _park_page(request, park, *, status: int = 200, **extra):
    """The park's page, with what a refused or invalid form needs shown on it."""
    return render(request, "startup_parks/parks/detail.html", _park_context(request, park, **extra), status=status)


def _park_context(request, park, *, resident_form=None, jobs_form=None, error=None):
    user = request.user
    operator = selectors.is_operator(user, park)
    may_record = operator or (not user.is_applicant and user.has_perm(parks.RECORD))
    applications = park.applications.select_related("submitted_by", "decided_by")
    open_application = next((a for a in applications if a.status in OPEN_APPLICATION_STATUSES), None)
    return {
        "park": park, "applications": applications, "open_application": open_application,
        "certificates": park.certificates.all(), "award": getattr(park, "award", None) if _has_award(park) else None,
        "residents": selectors.residents_of(park), "jobs_reports": selectors.jobs_reports_of(park)[:24],
        "may_apply": operator and open_application is None,
        "may_reevaluate": (not user.is_applicant and park.status == ParkStatus.CERTIFIED and open_application is None
                           and (user.has_perm(certification.EVALUATE) or user.has_perm(certification.DECIDE))),
        "may_record": may_record, "resident_form": resident_form or ResidentForm(),
        "jobs_form": jobs_form or JobsForm(), "move_out_form": MoveOutForm(), "error": error,
        "due": rules.reevaluation_due(park.certified_until, today=timezone.localdate(),
                                      window_days=_window()) if park.status == ParkStatus.CERTIFIED else False,
    }


def _window() -> int:
    try:
        return selectors.due_window_days(on=timezone.localdate())
    except ApplicationError:
        return 0


def _has_award(park) -> bool:
    from startup_parks.models import ParkAward

    return ParkAward.objects.filter(park=park).exists()


@login_required
@require_GET
def park_detail(request, ref):
    park = _park_or_404(request.user, ref)
    return _park_page(request, park)


@login_required
@require_http_methods(["GET", "POST"])
def park_apply(request, ref):
    park = _park_or_404(request.user, ref)
    if not selectors.is_operator(request.user, park):
        raise PermissionDenied
    error = None
    try:
        params = policy_parameter(rules.CRITERIA_KEY, on=timezone.localdate(), region=park.region_id)
        criteria = rules.criteria_for(params.value, park.kind)
    except ApplicationError as exc:
        criteria, error = (), str(exc.message)
    if request.method == "POST" and error is None:
        evidence = {c.code: request.FILES.getlist(f"evidence_{c.code}") for c in criteria}
        try:
            application = certification.certification_apply(
                park=park, evidence={k: v for k, v in evidence.items() if v}, note=request.POST.get("note", ""),
                actor=request.user)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Your application %(ref)s is submitted.") % {"ref": application.ref})
            return redirect("startup_parks:application_detail", application.ref)
    return render(request, "startup_parks/applications/apply.html",
                  {"park": park, "criteria": criteria, "error": error}, status=400 if error else 200)


@login_required
@require_POST
def park_reevaluate(request, ref):
    park = _park_or_404(request.user, ref)
    try:
        application = certification.reevaluation_open(park=park, actor=request.user)
    except ApplicationError as exc:
        return _park_page(request, park, error=str(exc.message), status=exc.http_status)
    messages.success(request, _("Re-evaluation %(ref)s is open.") % {"ref": application.ref})
    return redirect("startup_parks:application_detail", application.ref)


@login_required
@require_POST
def resident_add(request, ref):
    park = _park_or_404(request.user, ref)
    _require_recorder(request.user, park)
    form = ResidentForm(request.POST)
    if form.is_valid():
        try:
            parks.resident_add(park=park, credit_code=form.cleaned_data["credit_code"],
                               moved_in_on=form.cleaned_data["moved_in_on"], actor=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        except ApplicationError as exc:
            return _park_page(request, park, resident_form=form, error=str(exc.message), status=exc.http_status)
        else:
            messages.success(request, _("The firm is recorded as a resident."))
            return redirect("startup_parks:park_detail", park.ref)
    return _park_page(request, park, resident_form=form, status=400)


@login_required
@require_POST
def resident_move_out(request, ref, pk):
    park = _park_or_404(request.user, ref)
    _require_recorder(request.user, park)
    resident = Resident.objects.filter(park=park, pk=pk).first()
    if resident is None:
        raise Http404
    form = MoveOutForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        parks.resident_move_out(resident=resident, moved_out_on=form.cleaned_data["moved_out_on"], actor=request.user)
    except ValidationError as exc:
        return _park_page(request, park, error=" ".join(sum(exc.message_dict.values(), [])), status=400)
    except ApplicationError as exc:
        return _park_page(request, park, error=str(exc.message), status=exc.http_status)
    messages.success(request, _("The firm's move-out is recorded."))
    return redirect("startup_parks:park_detail", park.ref)


@login_required
@require_POST
def jobs_report(request, ref):
    park = _park_or_404(request.user, ref)
    _require_recorder(request.user, park)
    form = JobsForm(request.POST)
    if form.is_valid():
        resident = Resident.objects.filter(park=park, pk=form.cleaned_data["resident"]).first()
        if resident is None:
            raise Http404
        try:
            parks.jobs_report(resident=resident, period=form.cleaned_data["period"],
                              jobs_created=form.cleaned_data["jobs_created"], actor=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        except ApplicationError as exc:
            return _park_page(request, park, jobs_form=form, error=str(exc.message), status=exc.http_status)
        else:
            messages.success(request, _("The jobs are recorded."))
            return redirect("startup_parks:park_detail", park.ref)
    return _park_page(request, park, jobs_form=form, status=400)


def _application_context(request, application, *, error=None, field_errors=None, decision_form=None):
    user = request.user
    sheet = selectors.score_sheet_rows(application)
    is_open = application.status in OPEN_APPLICATION_STATUSES
    scored = any(e.evaluator_id == user.pk for e in sheet["evaluations"])
    staff = not user.is_applicant
    conflict = certification.conflict_of_interest(user, application) if staff else None
    evaluators = {e.evaluator_id for e in sheet["evaluations"]}
    return {
        "application": application, "park": application.park, **sheet, "error": error,
        "field_errors": field_errors or {}, "posted": request.POST if request.method == "POST" else {},
        "passes": rules.passes(application.total_score, application.pass_mark),
        "may_evaluate": staff and is_open and user.has_perm(certification.EVALUATE) and not scored and not conflict,
        "may_decide": (staff and is_open and user.has_perm(certification.DECIDE) and user.pk not in evaluators
                       and user.pk != application.submitted_by_id and not conflict),
        "conflict": conflict if is_open else None,
        "may_add_evidence": is_open and selectors.is_operator(user, application.park),
        "decision_form": decision_form or DecisionForm(initial={"version": application.version}),
        "certificate": getattr(application, "certificate", None) if application.status == "certified" else None,
    }


@login_required
@require_GET
def application_detail(request, ref):
    application = _application_or_404(request.user, ref)
    return render(request, "startup_parks/applications/detail.html", _application_context(request, application))


@login_required
@require_POST
def evaluation_submit(request, ref):
    application = _application_or_404(request.user, ref)
    if request.user.is_applicant or not request.user.has_perm(certification.EVALUATE):
        raise PermissionDenied
    scores = {key[len("score_"):]: value for key, value in request.POST.items() if key.startswith("score_")}
    try:
        certification.evaluation_submit(application=application, scores=scores,
                                        comment=request.POST.get("comment", ""), actor=request.user)
    except ValidationError as exc:
        return render(request, "startup_parks/applications/detail.html",
                      _application_context(request, application, error=_("Check the marked scores."),
                                           field_errors=exc.message_dict), status=400)
    except ApplicationError as exc:
        return render(request, "startup_parks/applications/detail.html",
                      _application_context(request, application, error=str(exc.message)), status=exc.http_status)
    messages.success(request, _("Your scores are recorded."))
    return redirect("startup_parks:application_detail", application.ref)


@login_required
@require_POST
def application_decide(request, ref):
    application = _application_or_404(request.user, ref)
    if request.user.is_applicant or not request.user.has_perm(certification.DECIDE):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        decided = certification.certification_decide(
            application=application, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"], actor=request.user)
    except ValidationError as exc:
        return render(request, "startup_parks/applications/detail.html",
                      _application_context(request, application, decision_form=form,
                                           error=" ".join(sum(exc.message_dict.values(), []))), status=400)
    except ApplicationError as exc:
        application.refresh_from_db()
        return render(request, "startup_parks/applications/detail.html",
                      _application_context(request, application, error=str(exc.message)), status=exc.http_status)
    messages.success(request, _("Decided: %(status)s.") % {"status": decided.get_status_display()})
    return redirect("startup_parks:application_detail", application.ref)


@login_required
@require_POST
def evidence_add(request, ref):
    application = _application_or_404(request.user, ref)
    if not selectors.is_operator(request.user, application.park):
        raise PermissionDenied
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ApplicationError(_("Choose a file."), code="file_missing")
        certification.evidence_add(application=application, criterion_code=request.POST.get("criterion", ""),
                                   upload=upload, actor=request.user)
    except ApplicationError as exc:
        return render(request, "startup_parks/applications/detail.html",
                      _application_context(request, application, error=str(exc.message)), status=exc.http_status)
    messages.success(request, _("The evidence is added."))
    return redirect("startup_parks:application_detail", application.ref)


@login_required
@require_GET
def evidence_download(request, ref, pk):
    application = _application_or_404(request.user, ref)
    item = application.evidence.filter(pk=pk).first()
    if item is None:
        raise Http404
    audit_log(actor=request.user, event_type="startup_parks.evidence.download", obj=application,
              details={"evidence": item.pk, "criterion": item.criterion_code, "sha256": item.sha256})
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                            content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def due_list(request):
    user = request.user
    if user.is_applicant or not user.has_perm(VIEW):
        raise PermissionDenied
    error = None
    try:
        due, window = selectors.parks_due_for(user=user)
    except ApplicationError as exc:
        due, window, error = [], None, str(exc.message)
    return render(request, "startup_parks/parks/due.html", {**paginate(request, due), "window": window,
                                                            "today": timezone.localdate(), "error": error})
