"""Roster imports: upload (always previewed first), progress, preview, import for real, rejected rows."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from priority_groups import forms, selectors
from priority_groups.models import PersonRosterImport
from priority_groups.services import roster as services
from priority_groups.services.common import IMPORT
from priority_groups.views.common import add_service_error, require_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_or_404(user, pk) -> PersonRosterImport:
    roster = selectors.roster_import_get_for(user=user, pk=pk)
    if roster is None:
        raise Http404
    return roster


@login_required
@require_GET
def roster_list(request):
    require_view(request.user)
    context = paginate(request, selectors.roster_import_list_for(user=request.user))
    context["rows"] = [{"roster": r, "progress": selectors.roster_import_progress(r)} for r in context["page_obj"]]
    context["may_import"] = request.user.has_perm(IMPORT)
    return render(request, "priority_groups/roster_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def roster_new(request):
    require_view(request.user)
    if not request.user.has_perm(IMPORT):
        raise PermissionDenied
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster = services.roster_import_start(actor=request.user, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            if isinstance(exc, ApplicationError) and exc.code.startswith("xlsx_"):
                form.add_error("file", str(exc.message))
            else:
                add_service_error(form, exc)
        else:
            messages.success(request, _("The roster was received; the preview is being prepared."))
            return redirect("priority_groups:roster_detail", pk=roster.pk)
    return render(request, "priority_groups/roster_new.html", {"form": form, "columns": services.COLUMNS},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def roster_detail(request, pk):
    require_view(request.user)
    roster = _import_or_404(request.user, pk)
    form = forms.PreviewFilterForm(request.GET or None)
    outcome = form.cleaned_data.get("outcome") if form.is_valid() else ""
    entries = [e for e in roster.preview if not outcome or e.get("outcome") == outcome]
    context = paginate(request, entries, per_page=50)
    context.update({
        "roster": roster, "progress": selectors.roster_import_progress(roster), "filter_form": form,
        "outcome_labels": services.OUTCOME_LABELS,
        "may_commit": (request.user.has_perm(IMPORT) and roster.dry_run
                       and roster.status == PersonRosterImport.Status.PREVIEWED),
        "committed": (roster.imports.exclude(status=PersonRosterImport.Status.FAILED).first()
                      if roster.dry_run else None),
    })
    return render(request, "priority_groups/roster_detail.html", context)


@login_required
@require_GET
def roster_progress(request, pk):
    require_view(request.user)
    roster = _import_or_404(request.user, pk)
    progress = selectors.roster_import_progress(roster)
    response = render(request, "priority_groups/_roster_progress.html", {"roster": roster, "progress": progress})
    if progress.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def roster_commit(request, pk):
    require_view(request.user)
    preview = _import_or_404(request.user, pk)
    try:
        roster = services.roster_import_commit(preview=preview, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("priority_groups:roster_detail", pk=preview.pk)
    messages.success(request, _("The import has started."))
    return redirect("priority_groups:roster_detail", pk=roster.pk)


@login_required
@require_GET
def roster_rejected_download(request, pk):
    require_view(request.user)
    roster = _import_or_404(request.user, pk)
    try:
        handle = services.roster_rejected_file_open(roster=roster, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, content_type=XLSX,
                            filename=f"rejected-rows-{roster.created_at:%Y%m%d%H%M}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def roster_template(request):
    """An empty roster with the column titles the import looks for."""
    require_view(request.user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Roster"))
    sheet.append([titles[0] for titles in services.COLUMNS.values()])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, content_type=XLSX, filename="priority-group-roster.xlsx")


urlpatterns = [
    path("rosters/", roster_list, name="roster_list"),
    path("rosters/new/", roster_new, name="roster_new"),
    path("rosters/template/", roster_template, name="roster_template"),
    path("rosters/<uuid:pk>/", roster_detail, name="roster_detail"),
    path("rosters/<uuid:pk>/progress/", roster_progress, name="roster_progress"),
    path("rosters/<uuid:pk>/commit/", roster_commit, name="roster_commit"),
    path("rosters/<uuid:pk>/rejected/", roster_rejected_download, name="roster_rejected_download"),
]
