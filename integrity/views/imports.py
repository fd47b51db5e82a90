"""Pages of the department imports: upload (always previewed first), progress, result, import for real,
rejected rows, an empty template per kind of file."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from integrity import selectors
from integrity.forms import ImportFilterForm, ImportUploadForm
from integrity.models import SourceImport
from integrity.services import imports as services
from integrity.sources import SOURCES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_view(user) -> None:
    if user.is_applicant or not user.has_perm("integrity.view_sourceimport"):
        raise PermissionDenied


def _job_or_404(user, pk) -> SourceImport:
    try:
        return selectors.import_get_for(user=user, import_id=pk)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def import_list(request):
    _require_view(request.user)
    form = ImportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.import_list_for(user=request.user, source=filters.get("source") or "",
                                     status=filters.get("status") or "")
    context = paginate(request, jobs)
    context.update({"filter_form": form, "may_import": request.user.has_perm("integrity.add_sourceimport"),
                    "rows": [{"job": job, "progress": selectors.import_progress(job),
                              "label": SOURCES[job.source].label if job.source in SOURCES else job.source}
                             for job in context["page_obj"]]})
    return render(request, "integrity/import_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    _require_view(request.user)
    if not request.user.has_perm("integrity.add_sourceimport"):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.source_import_start(source=data["source"], file_date=data["file_date"], file=data["file"],
                                               actor=request.user)
        except ApplicationError as exc:
            form.add_error("file" if exc.code.startswith("xlsx_") else None, str(exc.message))
        else:
            messages.success(request, _("The file was received; the preview is being prepared."))
            return redirect("integrity:import_detail", pk=job.pk)
    return render(request, "integrity/import_new.html", {"form": form, "sources": SOURCES.values()},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def import_detail(request, pk):
    _require_view(request.user)
    job = _job_or_404(request.user, pk)
    context = paginate(request, job.preview, per_page=50)
    context.update({
        "job": job, "progress": selectors.import_progress(job), "outcome_labels": services.OUTCOME_LABELS,
        "label": SOURCES[job.source].label if job.source in SOURCES else job.source,
        "may_commit": (request.user.has_perm("integrity.add_sourceimport") and job.dry_run
                       and job.status == SourceImport.Status.PREVIEWED),
        "committed": job.imports.exclude(status=SourceImport.Status.FAILED).first() if job.dry_run else None,
    })
    return render(request, "integrity/import_detail.html", context)


@login_required
@require_GET
def import_progress(request, pk):
    """The progress bar, polled by htmx while the import runs; the page reloads once when it ends."""
    _require_view(request.user)
    job = _job_or_404(request.user, pk)
    progress = selectors.import_progress(job)
    response = render(request, "integrity/_import_progress.html", {"job": job, "progress": progress})
    if progress["done"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_commit(request, pk):
    _require_view(request.user)
    preview = _job_or_404(request.user, pk)
    try:
        job = services.source_import_commit(preview=preview, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("integrity:import_detail", pk=preview.pk)
    messages.success(request, _("The import has started."))
    return redirect("integrity:import_detail", pk=job.pk)


@login_required
@require_GET
def import_rejected(request, pk):
    _require_view(request.user)
    job = _job_or_404(request.user, pk)
    try:
        handle = services.source_import_rejected_open(job=job, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, content_type=XLSX,
                            filename=f"rejected-{job.source}-{job.created_at:%Y%m%d%H%M}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def import_template(request, source):
    """An empty file with the column titles the import of this kind of file looks for."""
    _require_view(request.user)
    adapter = SOURCES.get(source)
    if adapter is None:
        raise Http404
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(adapter.label)[:31])
    sheet.append(adapter.template_titles())
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, content_type=XLSX, filename=f"{source}-template.xlsx")


urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_new, name="import_new"),
    path("imports/template/<slug:source>.xlsx", import_template, name="import_template"),
    path("imports/<uuid:pk>/", import_detail, name="import_detail"),
    path("imports/<uuid:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<uuid:pk>/import/", import_commit, name="import_commit"),
    path("imports/<uuid:pk>/rejected.xlsx", import_rejected, name="import_rejected"),
]
