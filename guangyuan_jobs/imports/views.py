"""Pieces of the import pages every app shares: the upload's errors onto its form, the result page's rows,
and the pages that are the same for every import (progress, commit, the file of rejected rows, the empty
template). An app makes an `ImportPages` with its routes and checks, and uses its views in its urlpatterns."""

import io
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.imports.models import ImportStatus
from guangyuan_jobs.imports.selectors import job_progress
from guangyuan_jobs.imports.services import PREVIEW_PROBLEMS_MAX

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_error(form, exc: Exception) -> None:
    """A refusal of the upload onto its form: a refused file on the file field, a service's field errors on
    their fields, anything else on the form."""
    if isinstance(exc, ApplicationError) and exc.code.startswith("xlsx_"):
        form.add_error("file", str(exc.message))
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    elif isinstance(exc, ApplicationError):
        form.add_error(None, str(exc.message))
    else:
        raise exc


def xlsx_download(handle, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, content_type=XLSX, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def template_download(titles: Iterable[str], *, sheet: str, filename: str) -> FileResponse:
    """An empty workbook with the column titles the import looks for."""
    book = Workbook(write_only=True)
    book.create_sheet(sheet[:31]).append(list(titles))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, content_type=XLSX, filename=filename)


class ImportPages:
    """The pages of one import. `get` finds the job for the user (Http404 if none), `require_view` refuses
    (PermissionDenied) a user who may not see imports, `may_import` says whether they may start one."""

    def __init__(self, spec, *, namespace: str, prefix: str, routes: dict[str, str], get: Callable,
                 require_view: Callable, may_import: Callable, rejected_name: Callable):
        self.spec = spec
        self.namespace = namespace
        self.prefix = prefix  # of the page's ids and test ids: "roster", "import"
        self.routes = routes  # detail, progress, commit, rejected: route names without the namespace
        self.get = get
        self.require_view = require_view
        self.may_import = may_import
        self.rejected_name = rejected_name
        self.progress_view = login_required(require_GET(self._progress))
        self.commit_view = login_required(require_POST(self._commit))
        self.rejected_view = login_required(require_GET(self._rejected))

    def route(self, name: str) -> str:
        return f"{self.namespace}:{self.routes[name]}"

    def job_or_404(self, request, pk):
        self.require_view(request.user)
        job = self.get(request.user, pk)
        if job is None:
            raise Http404
        return job

    def list_rows(self, page_obj, name: str) -> list[dict]:
        """The rows of a list page: each import (under `name`) with its progress."""
        return [{name: job, "progress": job_progress(job)} for job in page_obj]

    def progress_context(self, job) -> dict:
        """What the shared partials (`imports/_progress.html`, `imports/_actions.html`) need."""
        return {"job": job, "progress": job_progress(job), "prefix": self.prefix,
                "progress_route": self.route("progress"), "detail_route": self.route("detail"),
                "commit_route": self.route("commit"), "rejected_route": self.route("rejected")}

    def detail_context(self, request, job, *, outcome: str = "") -> dict:
        """The result page: the preview's rows of one outcome (all when blank), paginated, and what may be
        done with the import."""
        entries = [e for e in job.preview if not outcome or e.get("outcome") == outcome]
        context = paginate(request, entries, per_page=50)
        context.update(self.progress_context(job))
        context.update({
            "may_commit": self.may_import(request.user) and job.dry_run and job.status == ImportStatus.PREVIEWED,
            "committed": job.imports.exclude(status=ImportStatus.FAILED).first() if job.dry_run else None,
            # The page lists the first problem rows only; the file of rejected rows has them all.
            "problems_truncated": self.spec.problem_count(job) > PREVIEW_PROBLEMS_MAX,
            "problems_max": PREVIEW_PROBLEMS_MAX,
        })
        return context

    def _progress(self, request, pk):
        """The progress bar, polled by htmx every second while the import runs; when it ends the page reloads
        once to show the results."""
        job = self.job_or_404(request, pk)
        context = self.progress_context(job)
        response = render(request, "imports/_progress.html", context)
        if context["progress"].done and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response

    def _commit(self, request, pk):
        preview = self.job_or_404(request, pk)
        try:
            job = self.spec.commit(preview=preview, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect(self.route("detail"), pk=preview.pk)
        messages.success(request, _("The import has started."))
        return redirect(self.route("detail"), pk=job.pk)

    def _rejected(self, request, pk):
        job = self.job_or_404(request, pk)
        try:
            handle = self.spec.rejected_open(job=job, actor=request.user)
        except NotFoundError:
            raise Http404 from None
        return xlsx_download(handle, self.rejected_name(job))
