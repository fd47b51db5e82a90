"""Pages: the roster import (upload, preview, import for real, progress, rejected rows) for staff, and the
firm's page to confirm its 免申即享 refund. Thin: selectors read, services write."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from subsidies import selectors_roster as selectors
from subsidies.forms_roster import PreviewFilterForm, RefundConfirmForm, RosterFilterForm, RosterUploadForm
from subsidies.models import RosterImport
from subsidies.services import roster as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_view(user):
    if not selectors.roster_imports_visible(user):
        raise PermissionDenied


def _import_or_404(user, pk) -> RosterImport:
    try:
        return selectors.roster_import_get_for(user=user, import_id=pk)
    except NotFoundError:
        raise Http404 from None


def _add_errors(form, exc: ValidationError, default_field: str | None) -> None:
    """A service's ValidationError onto the form: by field when it names them, else on `default_field`."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


def _may_import(user) -> bool:
    return user.has_perm("subsidies.add_rosterimport")


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
                    "rows": [{"roster": r, "progress": selectors.roster_import_progress(r)}
                             for r in context["page_obj"]]})
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
        except ValidationError as exc:
            _add_errors(form, exc, None)
        except ApplicationError as exc:
            form.add_error("file" if exc.code.startswith("xlsx_") else None, str(exc.message))
        else:
            messages.success(request, _("The roster was received; the preview is being prepared."))
            return redirect("subsidies:roster_detail", pk=roster.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subsidies/roster/new.html", {"form": form, "columns": services.COLUMNS}, status=status)


@login_required
@require_GET
def roster_detail(request, pk):
    _require_view(request.user)
    roster = _import_or_404(request.user, pk)
    form = PreviewFilterForm(request.GET or None)
    outcome = form.cleaned_data.get("outcome") if form.is_valid() else ""
    entries = [e for e in roster.preview if not outcome or e.get("outcome") == outcome]
    context = paginate(request, entries, per_page=50)
    context.update({
        "roster": roster, "progress": selectors.roster_import_progress(roster), "filter_form": form,
        "outcome_labels": services.OUTCOME_LABELS,
        "may_commit": (_may_import(request.user) and roster.dry_run
                       and roster.status == RosterImport.Status.PREVIEWED),
        "committed": roster.imports.exclude(status=RosterImport.Status.FAILED).first() if roster.dry_run else None,
        "problems_truncated": roster.rows_rejected + roster.rows_ineligible > services.PREVIEW_PROBLEMS_MAX,
        "problems_max": services.PREVIEW_PROBLEMS_MAX,
    })
    return render(request, "subsidies/roster/detail.html", context)


@login_required
@require_GET
def roster_progress(request, pk):
    """The progress bar, polled by htmx every second while the import runs; when it ends the page reloads once
    to show the results."""
    _require_view(request.user)
    roster = _import_or_404(request.user, pk)
    progress = selectors.roster_import_progress(roster)
    response = render(request, "subsidies/roster/_progress.html", {"roster": roster, "progress": progress})
    if progress.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def roster_commit(request, pk):
    _require_view(request.user)
    preview = _import_or_404(request.user, pk)
    try:
        roster = services.roster_import_commit(preview=preview, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("subsidies:roster_detail", pk=preview.pk)
    messages.success(request, _("The import has started."))
    return redirect("subsidies:roster_detail", pk=roster.pk)


@login_required
@require_GET
def roster_rejected_download(request, pk):
    _require_view(request.user)
    roster = _import_or_404(request.user, pk)
    try:
        handle = services.roster_rejected_file_open(roster=roster, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, content_type=XLSX,
                            filename=f"rejected-rows-{roster.premium_year}-{roster.created_at:%Y%m%d%H%M}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def roster_template(request):
    """An empty roster with the column titles the import looks for."""
    _require_view(request.user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Roster"))
    sheet.append([titles[0] for titles in services.COLUMNS.values()])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, content_type=XLSX, filename="wgfh-roster-template.xlsx")


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
    path("roster/<uuid:pk>/progress/", roster_progress, name="roster_progress"),
    path("roster/<uuid:pk>/import/", roster_commit, name="roster_commit"),
    path("roster/<uuid:pk>/rejected.xlsx", roster_rejected_download, name="roster_rejected_download"),
    path("refunds/", refund_list, name="refund_list"),
    path("refunds/<str:ref>/confirm/", refund_confirm, name="refund_confirm"),
]
