import json

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guangyuan_jobs.audit.forms import AuditEventFilterForm
from guangyuan_jobs.audit.selectors import audit_event_get, audit_event_list
from guangyuan_jobs.core.masking import mask_id_numbers_in_text
from guangyuan_jobs.core.pagination import paginate


def _details_text(details: dict) -> str:
    # Events are written with masked values; masking again on display guards against a careless writer.
    return mask_id_numbers_in_text(json.dumps(details, ensure_ascii=False, indent=2, sort_keys=True))


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_list(request):
    form = AuditEventFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        events = audit_event_list(filters={}).none()
    else:
        events = audit_event_list(filters=form.cleaned_data if form.is_bound else {})
    context = {"form": form, **paginate(request, events, per_page=50)}
    context["rows"] = [(event, mask_id_numbers_in_text(json.dumps(event.details, ensure_ascii=False)))
                       for event in context["page_obj"]]
    return render(request, "audit/event_list.html", context)


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_detail(request, event_id: int):
    event = audit_event_get(event_id=event_id)
    if event is None:
        raise Http404
    seal = getattr(event, "seal", None)
    return render(request, "audit/event_detail.html",
                  {"event": event, "seal": seal, "details_text": _details_text(event.details)})
