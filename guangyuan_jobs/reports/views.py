import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.reports.forms import ExportListFilterForm, ExportRequestForm
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.registry import all_reports
from guangyuan_jobs.reports.selectors import export_job_get_for, export_job_list_for
from guangyuan_jobs.reports.services import (
    export_download_open,
    export_start,
    full_values_permitted,
    report_for_code,
    report_permitted,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

export_permission = permission_required("reports.export_report", raise_exception=True)


def _job_or_404(request, job_id) -> ExportJob:
    job = export_job_get_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404
    return job


def _report_label(code: str) -> str:
    try:
        return str(report_for_code(code).label)
    except ApplicationError:
        return code


@require_GET
@login_required
@export_permission
def export_list(request):
    form = ExportListFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        jobs = ExportJob.objects.none()
    else:
        jobs = export_job_list_for(user=request.user, filters=form.cleaned_data if form.is_bound else {})
    context = {"form": form, **paginate(request, jobs)}
    context["rows"] = [(job, _report_label(job.report)) for job in context["page_obj"]]
    return render(request, "reports/export_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@export_permission
def export_new(request):
    reports = [r for r in all_reports() if report_permitted(request.user, r)]
    if not reports:
        messages.warning(request, _("There is no report you may export."))
        return redirect("reports:export_list")
    may_full = full_values_permitted(request.user)
    data = request.POST if request.method == "POST" else None
    chosen = (data or request.GET).get("report") or reports[0].code
    report = next((r for r in reports if r.code == chosen), reports[0])
    request_form = ExportRequestForm(data, reports=reports, may_export_full=may_full,
                                     initial={"report": report.code})
    filter_form = report.filter_form(data, user=request.user)
    if data is not None and request_form.is_valid() and filter_form.is_valid():
        try:
            job = export_start(report=report.code, filters=filter_form.to_json(), actor=request.user,
                               full_values=request_form.cleaned_data.get("full_values", False),
                               reason=request_form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form = request_form if field in request_form.fields else filter_form
                form.add_error(field if field in form.fields else None, errors)
        except ApplicationError as exc:
            request_form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your export was queued. This page shows its progress."))
            return redirect("reports:export_detail", job_id=job.id)
    return render(request, "reports/export_new.html", {
        "report": report, "reports": reports, "request_form": request_form, "filter_form": filter_form,
    })


def _job_context(job: ExportJob) -> dict:
    definition = None
    with contextlib.suppress(ApplicationError):  # a report withdrawn since: the page still shows the job
        definition = report_for_code(job.report)
    filter_lines = []
    if definition is not None:
        form = definition.filter_form(data=job.filters, user=job.requested_by)
        filter_lines = form.describe() if form.is_valid() else list(job.filters.items())
    return {
        "job": job, "report_label": str(definition.label) if definition else job.report,
        "filter_lines": filter_lines, "percent": job.progress_percent,
        "running": job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING),
    }


@require_GET
@login_required
@export_permission
def export_detail(request, job_id):
    return render(request, "reports/export_detail.html", _job_context(_job_or_404(request, job_id)))


@require_GET
@login_required
@export_permission
def export_progress(request, job_id):
    """The progress fragment the detail page polls with htmx until the job ends."""
    return render(request, "reports/includes/export_progress.html", _job_context(_job_or_404(request, job_id)))


@require_GET
@login_required
@export_permission
def export_download(request, job_id):
    job = _job_or_404(request, job_id)
    try:
        handle = export_download_open(job=job, actor=request.user)
    except ApplicationError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("reports:export_detail", job_id=job.id)
    return xlsx_response(handle, job)


def xlsx_response(handle, job: ExportJob) -> FileResponse:
    filename = f"{_report_label(job.report)}-{timezone.localtime(job.created_at):%Y%m%d-%H%M%S}.xlsx"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
