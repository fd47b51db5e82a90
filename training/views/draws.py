"""The public lottery pages: every session, its inputs, hashes and outputs, the record as JSON and .xlsx, and
the server's own recomputation; open to anyone without signing in. Training officers run the draw, re-draws and
replacements from the same page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.core.pagination import paginate
from training import exports, selectors
from training.forms import DrawRunForm, RedrawForm, SessionFilterForm, SessionForm, WitnessForm
from training.models import TrainingPackage
from training.services import draws as services
from training.verification import draw_record, verify_record
from training.views.common import attempt, or_404, require_staff

MANAGE = "training.manage_training"


def _may_manage(user) -> bool:
    return user.is_authenticated and not user.is_applicant and user.has_perm(MANAGE)


@require_GET
def session_list(request):
    form = SessionFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    context = paginate(request, selectors.session_public_list(status=status))
    context.update({"filter_form": form, "may_manage": _may_manage(request.user)})
    return render(request, "training/draws/list.html", context)


def _institution_names(record) -> dict:
    names = {}
    for package in record["packages"]:
        names.update(dict((package.get("pool") or {}).get("institutions", [])))
    return names


def _session_page(request, session, *, run_form=None, witness_form=None, redraw_form=None, status=200):
    record = draw_record(session)
    names = _institution_names(record)
    may_manage = _may_manage(request.user)
    context = {
        "session": session, "record": record, "names": names, "may_manage": may_manage,
        "witnesses": session.witnesses.all(),
        "run_form": run_form or (DrawRunForm() if may_manage else None),
        "witness_form": witness_form or (WitnessForm() if may_manage else None),
        "redraw_form": redraw_form or (RedrawForm() if may_manage else None),
    }
    return render(request, "training/draws/detail.html", context, status=status)


@require_GET
def session_detail(request, ref):
    return _session_page(request, or_404(selectors.session_public_get(ref=ref)))


@require_GET
def session_record_json(request, ref):
    session = or_404(selectors.session_public_get(ref=ref))
    response = JsonResponse(draw_record(session), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{session.ref}.json"'
    return response


@require_GET
def session_record_xlsx(request, ref):
    session = or_404(selectors.session_public_get(ref=ref))
    response = HttpResponse(exports.draw_record_xlsx(draw_record(session)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{session.ref}.xlsx"'
    return response


@require_GET
def session_verify(request, ref):
    session = or_404(selectors.session_public_get(ref=ref))
    report = verify_record(draw_record(session))
    return render(request, "training/draws/verify.html", {"session": session, "report": report})


@login_required
@require_POST
def session_run(request, ref):
    require_staff(request.user, MANAGE)
    session = or_404(selectors.session_public_get(ref=ref))
    form = DrawRunForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.session_draw(
                session=session, public_numbers=data["public_numbers"], actor=request.user,
                recording_ref=data["recording_ref"], notary_certificate=data["notary_certificate"]),
                _("The draw is done and sealed."), form):
            return redirect("training:session_detail", ref=session.ref)
    session.refresh_from_db()
    return _session_page(request, session, run_form=form, status=400)


@login_required
@require_POST
def witness_add(request, ref):
    require_staff(request.user, MANAGE)
    session = or_404(selectors.session_public_get(ref=ref))
    form = WitnessForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.witness_add(session=session, actor=request.user, **data),
                   _("The witness is recorded."), form):
            return redirect("training:session_detail", ref=session.ref)
    return _session_page(request, session, witness_form=form, status=400)


@login_required
@require_POST
def package_redraw(request, ref, package_ref):
    require_staff(request.user, MANAGE)
    session = or_404(selectors.session_public_get(ref=ref))
    package = or_404(TrainingPackage.objects.filter(ref=package_ref, session_entry__session=session).first())
    form = RedrawForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.package_redraw(package=package, actor=request.user, **data),
                   _("Package %(ref)s was drawn again; both draws stay on record.") % {"ref": package.ref}, form):
            return redirect("training:session_detail", ref=session.ref)
    return _session_page(request, session, redraw_form=form, status=400)


@login_required
@require_POST
def winner_withdraw(request, ref, package_ref):
    require_staff(request.user, MANAGE)
    session = or_404(selectors.session_public_get(ref=ref))
    package = or_404(TrainingPackage.objects.filter(ref=package_ref, session_entry__session=session).first())
    attempt(request, lambda: services.winner_withdraw(package=package, reason=request.POST.get("reason", ""),
                                                      actor=request.user),
            _("The withdrawal and the replacement are recorded."))
    return redirect("training:session_detail", ref=session.ref)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    require_staff(request.user, MANAGE)
    form = SessionForm(request.POST or None)
    ready = selectors.package_list_for(user=request.user, status=TrainingPackage.Status.POOL_FROZEN).filter(
        session_entry__isnull=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refs = [line.strip() for line in data["packages"].splitlines() if line.strip()]
        found = {p.ref: p for p in selectors.package_list_for(user=request.user).filter(ref__in=refs)}
        missing = [ref for ref in refs if ref not in found]
        if missing:
            form.add_error("packages", _("Unknown packages: %(refs)s.") % {"refs": ", ".join(missing)})
        else:
            created = {}

            def announce():
                created["session"] = services.session_announce(
                    title=data["title"], scheduled_at=data["scheduled_at"], venue=data["venue"],
                    packages=[found[ref] for ref in refs], public_numbers_source=data["public_numbers_source"],
                    stream_url=data["stream_url"], actor=request.user)

            if attempt(request, announce, _("The draw is announced; its pools and commitment are public."), form):
                return redirect("training:session_detail", ref=created["session"].ref)
    if not form.is_bound:
        form.initial["packages"] = "\n".join(p.ref for p in ready)
    return render(request, "training/draws/new.html", {"form": form, "ready": ready})


urlpatterns = [
    path("draws/", session_list, name="session_list"),
    path("draws/new/", session_new, name="session_new"),
    path("draws/<str:ref>/", session_detail, name="session_detail"),
    path("draws/<str:ref>/record.json", session_record_json, name="session_record_json"),
    path("draws/<str:ref>/record.xlsx", session_record_xlsx, name="session_record_xlsx"),
    path("draws/<str:ref>/verify/", session_verify, name="session_verify"),
    path("draws/<str:ref>/run/", session_run, name="session_run"),
    path("draws/<str:ref>/witnesses/", witness_add, name="witness_add"),
    path("draws/<str:ref>/packages/<str:package_ref>/redraw/", package_redraw, name="package_redraw"),
    path("draws/<str:ref>/packages/<str:package_ref>/withdraw/", winner_withdraw, name="winner_withdraw"),
]
