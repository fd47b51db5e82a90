"""Roster imports: upload (always previewed first), progress, preview, import for real, rejected rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.imports.views import ImportPages, template_download, upload_error
from priority_groups import forms, selectors
from priority_groups.services import roster as services
from priority_groups.services.common import IMPORT
from priority_groups.views.common import require_view

pages = ImportPages(
    services.SPEC, namespace="priority_groups", prefix="roster", require_view=require_view,
    get=lambda user, pk: selectors.roster_import_get_for(user=user, pk=pk),
    may_import=lambda user: user.has_perm(IMPORT),
    routes={"detail": "roster_detail", "progress": "roster_progress", "commit": "roster_commit",
            "rejected": "roster_rejected_download"},
    rejected_name=lambda job: f"rejected-rows-{job.created_at:%Y%m%d%H%M}.xlsx")


@login_required
@require_GET
def roster_list(request):
    require_view(request.user)
    context = paginate(request, selectors.roster_import_list_for(user=request.user))
    context["rows"] = pages.list_rows(context["page_obj"], "roster")
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
            upload_error(form, exc)
        else:
            messages.success(request, _("The roster was received; the preview is being prepared."))
            return redirect("priority_groups:roster_detail", pk=roster.pk)
    return render(request, "priority_groups/roster_new.html", {"form": form, "columns": services.COLUMNS},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def roster_detail(request, pk):
    roster = pages.job_or_404(request, pk)
    form = forms.PreviewFilterForm(request.GET or None)
    context = pages.detail_context(request, roster, outcome=form.cleaned_data.get("outcome") if form.is_valid() else "")
    context.update({"roster": roster, "filter_form": form, "outcome_labels": services.OUTCOME_LABELS})
    return render(request, "priority_groups/roster_detail.html", context)


@login_required
@require_GET
def roster_template(request):
    """An empty roster with the column titles the import looks for."""
    require_view(request.user)
    return template_download([titles[0] for titles in services.COLUMNS.values()], sheet=_("Roster"),
                             filename="priority-group-roster.xlsx")


urlpatterns = [
    path("rosters/", roster_list, name="roster_list"),
    path("rosters/new/", roster_new, name="roster_new"),
    path("rosters/template/", roster_template, name="roster_template"),
    path("rosters/<uuid:pk>/", roster_detail, name="roster_detail"),
    path("rosters/<uuid:pk>/progress/", pages.progress_view, name="roster_progress"),
    path("rosters/<uuid:pk>/commit/", pages.commit_view, name="roster_commit"),
    path("rosters/<uuid:pk>/rejected/", pages.rejected_view, name="roster_rejected_download"),
]
