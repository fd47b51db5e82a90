"""Pages: the roster import (upload, preview, import for real, progress, rejected rows) for staff, and the
firm's page to confirm its 免申即享 refund. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.imports.views import ImportPages, template_download, upload_error
from subsidies import selectors_roster as selectors
from subsidies.forms_roster import PreviewFilterForm, RefundConfirmForm, RosterFilterForm, RosterUploadForm
from subsidies.models import RosterImport
from subsidies.services import roster as services


def _require_view(user):
    if not selectors.roster_imports_visible(user):
        raise PermissionDenied


def _import_or_none(user, pk) -> RosterImport | None:
    try:
        return selectors.roster_import_get_for(user=user, import_id=pk)
    except NotFoundError:
        return None


def _add_errors(form, exc: ValidationError, default_field: str | None) -> None:
    """A service's ValidationError onto the form: by field when it names them, else on `default_field`."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


def _may_import(user) -> bool:
    return user.has_perm("subsidies.add_rosterimport")


pages = ImportPages(
    services.SPEC, namespace="subsidies", prefix="roster", get=_import_or_none, require_view=_require_view,
    may_import=_may_import,
    routes={"detail": "roster_detail", "progress": "roster_progress", "commit": "roster_commit",
            "rejected": "roster_rejected_download"},
    rejected_name=lambda job: f"rejected-rows-{job.premium_year}-{job.created_at:%Y%m%d%H%M}.xlsx")


@login_required
@require_GET
def roster_list(request):
    _require_view(request.user)
    form = RosterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    imports = selectors.roster_import_list_for(user=request.user, status=filters.get("status") or "",
                                               premium_year=str(filters.get("premium_year") or ""))
    context = paginate(request, imports)
    context.update({"filter_form": form, "may_import": _may_import(request.user),
                    "rows": pages.list_rows(context["page_obj"], "roster")})
    return render(request, "subsidies/roster/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def roster_new(request):
    """Upload a roster: it is always previewed first (a dry run that changes nothing)."""
    _require_view(request.user)
    if not _may_import(request.user):
        raise PermissionDenied
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster = services.roster_import_start(file=form.cleaned_data["file"],
                                                  premium_year=form.cleaned_data["premium_year"], dry_run=True,
                                                  actor=request.user)
        except (ValidationError, ApplicationError) as exc:
            upload_error(form, exc)
        else:
            messages.success(request, _("The roster was received; the preview is being prepared."))
            return redirect("subsidies:roster_detail", pk=roster.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subsidies/roster/new.html", {"form": form, "columns": services.COLUMNS}, status=status)


@login_required
@require_GET
def roster_detail(request, pk):
    roster = pages.job_or_404(request, pk)
    form = PreviewFilterForm(request.GET or None)
    context = pages.detail_context(request, roster, outcome=form.cleaned_data.get("outcome") if form.is_valid() else "")
    context.update({"roster": roster, "filter_form": form, "outcome_labels": services.OUTCOME_LABELS})
    return render(request, "subsidies/roster/detail.html", context)


@login_required
@require_GET
def roster_template(request):
    """An empty roster with the column titles the import looks for."""
    _require_view(request.user)
    return template_download([titles[0] for titles in services.COLUMNS.values()], sheet=_("Roster"),
                             filename="wgfh-roster-template.xlsx")


# --- the firm's side ----------------------------------------------------------------------------------------


def _require_enterprise(user):
    if not (user.is_applicant and user.enterprise_id):
        raise PermissionDenied


@login_required
@require_GET
def refund_list(request):
    _require_enterprise(request.user)
    context = paginate(request, selectors.refunds_for(user=request.user))
    context["rows"] = [{"detail": d, "waiting": selectors.refund_waiting(d)} for d in context["page_obj"]]
    return render(request, "subsidies/roster/refund_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def refund_confirm(request, ref):
    _require_enterprise(request.user)
    try:
        detail = selectors.refund_get_for(user=request.user, ref=ref)
    except NotFoundError:
        raise Http404 from None
    enterprise = detail.enterprise
    initial = {"bank_name": enterprise.bank_name, "account_name": enterprise.bank_account_name or enterprise.name}
    form = RefundConfirmForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.refund_confirm(case=detail.case, bank_name=data["bank_name"],
                                           account_name=data["account_name"], account=data["account"],
                                           actor=request.user)
        except NotFoundError:
            raise Http404 from None
        except ValidationError as exc:
            _add_errors(form, exc, "account")
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Thank you: the refund %(ref)s was confirmed and submitted.")
                             % {"ref": case.ref})
            return redirect("casework:case_detail", ref=case.ref)
        detail.refresh_from_db()
    quote = (detail.case.details or {}).get("quote") or {}
    context = {"detail": detail, "case": detail.case, "form": form, "error": error,
               "waiting": selectors.refund_waiting(detail), "quote": quote,
               "overdue": detail.confirmation_due is not None and detail.confirmation_due < timezone.localdate(),
               "draft": detail.case.status == CaseStatus.DRAFT}
    status = 400 if request.method == "POST" else 200
    return render(request, "subsidies/roster/refund_confirm.html", context, status=status)


urlpatterns = [
    path("roster/", roster_list, name="roster_list"),
    path("roster/new/", roster_new, name="roster_new"),
    path("roster/template.xlsx", roster_template, name="roster_template"),
    path("roster/<uuid:pk>/", roster_detail, name="roster_detail"),
    path("roster/<uuid:pk>/progress/", pages.progress_view, name="roster_progress"),
    path("roster/<uuid:pk>/import/", pages.commit_view, name="roster_commit"),
    path("roster/<uuid:pk>/rejected.xlsx", pages.rejected_view, name="roster_rejected_download"),
    path("refunds/", refund_list, name="refund_list"),
    path("refunds/<str:ref>/confirm/", refund_confirm, name="refund_confirm"),
]
