"""Pages: the notices (list, download, issue on demand), the applicant's inbox, the messages sent (staff),
and the promised against actual time of each kind."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guangyuan_jobs.casework.kinds import all_kinds
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.selectors import case_scope
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.notices import selectors
from guangyuan_jobs.notices.forms import InboxFilterForm, NoticeFilterForm, NoticeIssueForm, NotificationFilterForm
from guangyuan_jobs.notices.services.notices import notice_download_audit, notice_issue
from guangyuan_jobs.notices.services.notifications import inbox_mark_read


@login_required
@require_GET
def notice_list(request):
    form = NoticeFilterForm(request.GET or None)
    notices = selectors.notice_list_for(user=request.user, filters=form.filters())
    context = paginate(request, notices)
    context["filter_form"] = form
    return render(request, "notices/notice_list.html", context)


@login_required
@require_GET
def notice_download(request, number):
    try:
        notice = selectors.notice_get_for(user=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    notice_download_audit(notice=notice, actor=request.user)
    response = FileResponse(notice.file.open("rb"), content_type="application/pdf",
                            filename=f"{notice.number}.pdf", as_attachment=request.GET.get("download") == "1")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def notice_issue_view(request, ref):
    case = case_scope(Case.objects.all(), user=request.user).filter(ref=ref).first()
    if case is None:
        raise Http404
    form = NoticeIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("casework:case_detail", ref)
    try:
        notice = notice_issue(case=case, kind=form.cleaned_data["kind"], actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("casework:case_detail", ref)
    messages.success(request, f"{notice.get_kind_display()} {notice.number}")
    return redirect("casework:case_detail", ref)


@login_required
@require_GET
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    messages_qs = selectors.inbox_for(user=request.user, unread_only=bool(form.filters().get("unread")))
    context = paginate(request, messages_qs)
    context.update({"filter_form": form, "unread": selectors.inbox_unread_count(user=request.user)})
    return render(request, "notices/inbox.html", context)


@login_required
@require_POST
def inbox_read(request):
    """Marks one message read (`id`) or all of them."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    inbox_mark_read(user=request.user, ids=ids)
    return redirect("notices:inbox")


@login_required
@require_GET
def notification_list(request):
    if not request.user.has_perm("notices.view_notification"):
        raise PermissionDenied
    form = NotificationFilterForm(request.GET or None)
    context = paginate(request, selectors.notification_list_for(user=request.user, filters=form.filters()))
    context["filter_form"] = form
    return render(request, "notices/notification_list.html", context)


@require_GET
def time_limits(request):
    """Public: each kind's promised time to a decision beside the median of the last 90 days."""
    rows = [{"kind": kind, "times": selectors.decision_times(kind.code)} for kind in all_kinds()]
    return render(request, "notices/time_limits.html", {"rows": rows, "window": selectors.DECISION_WINDOW_DAYS})
