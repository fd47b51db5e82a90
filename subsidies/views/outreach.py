"""Pages of 政策宣讲 (outreach): the public service guides (no login), the briefing-session register and the
policy pushes of the policy officer. Thin: selectors read, services write; a refusal is shown and changes
nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.notices.selectors import decision_times
from subsidies import selectors_outreach as selectors
from subsidies.forms_outreach import BriefingFilterForm, BriefingSessionForm, PolicyPushForm, PushFilterForm
from subsidies.models import PolicyPushRecipient
from subsidies.services import outreach as services


def _apply_url(code: str) -> str:
    """The online claim form of the kind (sign-in comes first for a visitor); the kind chooser, or registration,
    if the claims pages do not offer it."""
    for name, args in (("subsidies:claim_form", [code]), ("subsidies:claim_new", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("accounts:register")


@require_GET
def guide_list(request):
    guides = [{"kind": get_kind(code), "summary": selectors.GUIDES[code].summary,
               "applicant": selectors.service_applicant_label(code)} for code in selectors.guide_kind_codes()]
    return render(request, "subsidies/outreach/guide_list.html", {"guides": guides})


@require_GET
def guide_detail(request, code):
    try:
        guide = selectors.service_guide(code.upper())
    except LookupError:
        raise Http404 from None
    return render(request, "subsidies/outreach/guide_detail.html",
                  {"guide": guide, "apply_url": _apply_url(guide.kind.code),
                   "decision_times": decision_times(guide.kind.code)})


def _require(user, permission: str) -> None:
    if user.is_applicant or not user.has_perm(permission):
        raise PermissionDenied


@login_required
@require_GET
def briefing_list(request):
    user = request.user
    _require(user, "subsidies.view_briefingsession")
    form = BriefingFilterForm(request.GET or None, user=user)
    sessions = selectors.briefing_list_for(user=user, filters=form.filters())
    context = paginate(request, sessions)
    kind_labels = dict(selectors.guide_kind_labels())
    context.update({
        "form": form, "totals": selectors.briefing_totals(sessions),
        "rows": [{"session": s, "kinds": [kind_labels.get(k, k) for k in s.kinds]} for s in context["page_obj"]],
        "can_add": user.has_perm("subsidies.add_briefingsession"),
    })
    return render(request, "subsidies/outreach/briefing_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def briefing_new(request):
    user = request.user
    _require(user, "subsidies.add_briefingsession")
    form = BriefingSessionForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.briefing_session_record(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The briefing session was recorded."))
                return redirect("subsidies:briefing_list")
        return render(request, "subsidies/outreach/briefing_form.html", {"form": form}, status=400)
    return render(request, "subsidies/outreach/briefing_form.html", {"form": form})


@login_required
@require_GET
def push_list(request):
    user = request.user
    _require(user, "subsidies.view_policypush")
    form = PushFilterForm(request.GET or None)
    pushes = selectors.push_list_for(user=user, filters=form.filters())
    context = paginate(request, pushes)
    kind_labels = dict(selectors.guide_kind_labels())
    context.update({
        "form": form, "can_add": user.has_perm("subsidies.add_policypush"),
        "rows": [{"push": p, "kind_label": kind_labels.get(p.kind, p.kind),
                  "target": selectors.PUSH_TARGETS.get(p.target)} for p in context["page_obj"]],
    })
    return render(request, "subsidies/outreach/push_list.html", context)


def _default_message(request, kind_code: str) -> str:
    return selectors.push_default_message(kind_code=kind_code, guide_url=request.build_absolute_uri(
        reverse("subsidies:guide_detail", args=[kind_code])))


@login_required
@require_http_methods(["GET", "POST"])
def push_new(request):
    """Choose the kind and the recipients, preview how many are reached, then send."""
    user = request.user
    _require(user, "subsidies.add_policypush")
    form = PolicyPushForm(request.POST or None, user=user, initial={"target": "no_claim"})
    context = {"form": form, "targets": list(selectors.PUSH_TARGETS.values())}
    if request.method == "GET":
        return render(request, "subsidies/outreach/push_form.html", context)
    if not form.is_valid():
        return render(request, "subsidies/outreach/push_form.html", context, status=400)
    data = form.cleaned_data
    message = data["message"] or _default_message(request, data["kind"])
    if "send" not in request.POST:
        context["preview"] = selectors.push_preview(user=user, kind_code=data["kind"], target=data["target"],
                                                    region=data["region"])
        context["message_preview"] = message
        return render(request, "subsidies/outreach/push_form.html", context)
    try:
        push = services.policy_push_start(kind=data["kind"], target=data["target"], channel=data["channel"],
                                          message=message, region=data["region"], actor=user)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return render(request, "subsidies/outreach/push_form.html", context, status=exc.http_status)
    messages.success(request, _("The push to %(n)d recipients has started.") % {"n": push.total})
    return redirect("subsidies:push_detail", pk=push.pk)


def _push_or_404(user, pk):
    push = selectors.push_get_for(user=user, pk=pk)
    if push is None:
        raise Http404
    return push


@login_required
@require_GET
def push_detail(request, pk):
    user = request.user
    _require(user, "subsidies.view_policypush")
    push = _push_or_404(user, pk)
    status = request.GET.get("status", "")
    status = status if status in PolicyPushRecipient.Status.values else ""
    context = paginate(request, selectors.push_recipients_for(push, status=status), per_page=50)
    context.update({
        "push": push, "progress": selectors.push_progress(push), "status": status,
        "statuses": PolicyPushRecipient.Status.choices, "kind_label": dict(selectors.guide_kind_labels()).get(
            push.kind, push.kind), "target": selectors.PUSH_TARGETS.get(push.target),
        "rows": [{"recipient": r, "label": selectors.push_recipient_label(r)} for r in context["page_obj"]],
    })
    return render(request, "subsidies/outreach/push_detail.html", context)


@login_required
@require_GET
def push_progress(request, pk):
    """The progress bar, polled by htmx every second while the push is sent; at the end the page reloads once."""
    user = request.user
    _require(user, "subsidies.view_policypush")
    push = _push_or_404(user, pk)
    progress = selectors.push_progress(push)
    response = render(request, "subsidies/outreach/_push_progress.html", {"push": push, "progress": progress})
    if progress.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


urlpatterns = [
    path("guides/", guide_list, name="guide_list"),
    path("guides/<str:code>/", guide_detail, name="guide_detail"),
    path("briefings/", briefing_list, name="briefing_list"),
    path("briefings/new/", briefing_new, name="briefing_new"),
    path("pushes/", push_list, name="push_list"),
    path("pushes/new/", push_new, name="push_new"),
    path("pushes/<int:pk>/", push_detail, name="push_detail"),
    path("pushes/<int:pk>/progress/", push_progress, name="push_progress"),
]
