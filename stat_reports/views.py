from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guangyuan_jobs.core.errors import ApplicationError
from stat_reports.forms import StatFormChoiceForm
from stat_reports.models import StatFormFiling
from stat_reports.selectors import form_result
from stat_reports.services import PERMISSION, stat_form_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@login_required
@permission_required(PERMISSION, raise_exception=True)
def form_view(request):
    """Choose a form, month and area; see its figures and whether every balance formula holds."""
    chooser = StatFormChoiceForm(request.GET or None, user=request.user)
    result = error = None
    if chooser.is_valid():
        data = chooser.cleaned_data
        try:
            result = form_result(data["form"], year=data["year"], month=data["month"], user=request.user,
                                 region=chooser.region_code())
        except ApplicationError as exc:
            error = exc.message
    filings = StatFormFiling.objects.filter(created_by=request.user).select_related("region")[:10]
    return render(request, "stat_reports/form.html", {"chooser": chooser, "result": result, "error": error,
                                                      "filings": filings})


@require_GET
@login_required
@permission_required(PERMISSION, raise_exception=True)
def form_download(request):
    chooser = StatFormChoiceForm(request.GET, user=request.user)
    if not chooser.is_valid():
        return render(request, "stat_reports/form.html", {"chooser": chooser}, status=400)
    data = chooser.cleaned_data
    try:
        filing, content = stat_form_export(form=data["form"], year=data["year"], month=data["month"],
                                           region=chooser.region_code(), actor=request.user)
    except ApplicationError as exc:
        return render(request, "stat_reports/form.html", {"chooser": chooser, "error": exc.message}, status=409)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{filing.form}-{filing.year}-{filing.month:02d}-{filing.region_id or 'city'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
