"""Pages of the risk rules: the list, and a rule's page where a manager changes it (a new version, and the
open and approved-unpaid cases screened again)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from integrity import selectors
from integrity.checks import get_check
from integrity.forms import RuleForm
from integrity.services.rules import risk_rule_update


def _require_view(user) -> None:
    if user.is_applicant or not user.has_perm("integrity.view_riskrule"):
        raise PermissionDenied


@login_required
@require_GET
def rule_list(request):
    _require_view(request.user)
    rules = [{"rule": rule, "runnable": get_check(rule.check_code) is not None}
             for rule in selectors.rule_list_for(user=request.user)]
    return render(request, "integrity/rule_list.html", {"rules": rules})


@login_required
@require_http_methods(["GET", "POST"])
def rule_detail(request, code):
    _require_view(request.user)
    try:
        rule = selectors.rule_get_for(user=request.user, code=code)
    except NotFoundError:
        raise Http404 from None
    may_change = request.user.has_perm("integrity.change_riskrule")
    initial = {"name": rule.name, "description": rule.description, "severity": rule.severity, "kinds": rule.kinds,
               "active": rule.active}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            version = request.POST.get("version", "")
            try:
                risk_rule_update(rule=rule, actor=request.user, version=int(version) if version.isdigit() else 0,
                                 **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The rule is changed; open and approved-unpaid cases are being screened "
                                            "again."))
                return redirect("integrity:rule_detail", code=rule.code)
    return render(request, "integrity/rule_detail.html",
                  {"rule": rule, "form": form, "may_change": may_change,
                   "runnable": get_check(rule.check_code) is not None},
                  status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("rules/", rule_list, name="rule_list"),
    path("rules/<slug:code>/", rule_detail, name="rule_detail"),
]
