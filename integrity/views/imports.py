"""Pages of the department imports: upload (always previewed first), progress, result, import for real,
rejected rows, an empty template per kind of file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.imports.views import ImportPages, template_download, upload_error
from integrity import selectors
from integrity.forms import ImportFilterForm, ImportUploadForm
from integrity.models import SourceImport
from integrity.services import imports as services
from integrity.sources import SOURCES


def _require_view(user) -> None:
    if user.is_applicant or not user.has_perm("integrity.view_sourceimport"):
        raise PermissionDenied


def _job_or_none(user, pk) -> SourceImport | None:
    try:
        return selectors.import_get_for(user=user, import_id=pk)
    except NotFoundError:
        return None


def _may_import(user) -> bool:
    return user.has_perm("integrity.add_sourceimport")


def _label(job: SourceImport) -> str:
    return SOURCES[job.source].label if job.source in SOURCES else job.source


pages = ImportPages(
    services.SPEC, namespace="integrity", prefix="import", get=_job_or_none, require_view=_require_view,
    may_import=_may_import,
    routes={"detail": "import_detail", "progress": "import_progress", "commit": "import_commit",
            "rejected": "import_rejected"},
    rejected_name=lambda job: f"rejected-{job.source}-{job.created_at:%Y%m%d%H%M}.xlsx")


@login_required
@require_GET
def import_list(request):
    _require_view(request.user)
    form = ImportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.import_list_for(user=request.user, source=filters.get("source") or "",
                                     status=filters.get("status") or "")
    context = paginate(request, jobs)
    rows = pages.list_rows(context["page_obj"], "job")
    for row in rows:
        row["label"] = _label(row["job"])
    context.update({"filter_form": form, "may_import": _may_import(request.user), "rows": rows})
    return render(request, "integrity/import_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    _require_view(request.user)
    if not _may_import(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.source_import_start(source=data["source"], file_date=data["file_date"], file=data["file"],
                                               actor=request.user)
        except ApplicationError as exc:
            upload_error(form, exc)
        else:
            messages.success(request, _("The file was received; the preview is being prepared."))
            return redirect("integrity:import_detail", pk=job.pk)
    return render(request, "integrity/import_new.html", {"form": form, "sources": SOURCES.values()},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def import_detail(request, pk):
    job = pages.job_or_404(request, pk)
    context = pages.detail_context(request, job)
    context.update({"outcome_labels": services.OUTCOME_LABELS, "label": _label(job)})
    return render(request, "integrity/import_detail.html", context)


@login_required
@require_GET
def import_template(request, source):
    """An empty file with the column titles the import of this kind of file looks for."""
    _require_view(request.user)
    adapter = SOURCES.get(source)
    if adapter is None:
        raise Http404
    return template_download(adapter.template_titles(), sheet=str(adapter.label), filename=f"{source}-template.xlsx")


urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_new, name="import_new"),
    path("imports/template/<slug:source>.xlsx", import_template, name="import_template"),
    path("imports/<uuid:pk>/", import_detail, name="import_detail"),
    path("imports/<uuid:pk>/progress/", pages.progress_view, name="import_progress"),
    path("imports/<uuid:pk>/import/", pages.commit_view, name="import_commit"),
    path("imports/<uuid:pk>/rejected.xlsx", pages.rejected_view, name="import_rejected"),
]
