"""Pages: payment batches (拨付批次). Thin: selectors read, services write; a refused action is shown with its
reason and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guangyuan_jobs.casework.selectors import kind_label
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from subsidies import selectors_payments as selectors
from subsidies.forms_payments import BatchActionForm, BatchCreateForm, BatchFilterForm, ItemFilterForm, ReturnFileForm
from subsidies.models import PaymentBatch
from subsidies.services import payments as services

ACTION_SERVICES = {
    "lock": services.payment_batch_lock,
    "approve": services.payment_batch_approve,
    "export": services.payment_batch_export,
    "cancel": services.payment_batch_cancel,
}
ACTION_DONE = {
    "lock": gettext_lazy("The batch is locked. A colleague may now approve it."),
    "approve": gettext_lazy("The batch is approved. The bank file can now be made."),
    "export": gettext_lazy("The bank file is ready for download."),
    "cancel": gettext_lazy("The batch is cancelled; its payments may go into another batch."),
}


def _require_finance(user):
    if not services.may_manage(user):
        raise PermissionDenied


def _batch_or_404(user, ref) -> PaymentBatch:
    try:
        return selectors.payment_batch_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def batch_list(request):
    _require_finance(request.user)
    form = BatchFilterForm(request.GET or None)
    batches = selectors.payment_batch_list_for(user=request.user, filters=form.filters())
    context = paginate(request, batches)
    context.update({"filter_form": form, "may_create": True})
    return render(request, "subsidies/payments/batch_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request):
    user = request.user
    _require_finance(user)
    form = BatchCreateForm(request.POST or None, user=user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.payment_batch_create(fund_source=form.cleaned_data["fund_source"], actor=user,
                                                  kinds=form.cleaned_data["kinds"] or None,
                                                  region=form.cleaned_data["region"] or None)
        except ApplicationError as exc:
            error = {"message": str(exc.message), "skipped": exc.extra.get("skipped", [])}
        else:
            messages.success(request, _("Batch %(ref)s was built with %(n)d payments.")
                             % {"ref": batch.ref, "n": batch.item_count})
            return redirect("subsidies:batch_detail", ref=batch.ref)
    waiting = [{"fund": label, "kinds": selectors.payments_waiting_for(user=user, fund_source=code)}
               for code, label in PaymentBatch.FundSource.choices]
    status = 400 if request.method == "POST" else 200
    return render(request, "subsidies/payments/batch_new.html",
                  {"form": form, "error": error, "waiting": waiting}, status=status)


def _detail_context(request, batch: PaymentBatch, *, error=None, return_form=None) -> dict:
    user = request.user
    item_form = ItemFilterForm(request.GET or None)
    filters = item_form.cleaned_data if item_form.is_valid() else {}
    items = selectors.payment_batch_items_for(batch=batch, status=filters.get("status") or None,
                                              q=filters.get("q") or "")
    context = paginate(request, items, per_page=50)
    actions = services.payment_batch_actions_for(user=user, batch=batch)
    context.update({
        "batch": batch,
        "kind_labels": [kind_label(code) for code in batch.kinds],
        "item_form": item_form,
        "actions": [(code, services.ACTION_LABELS[code]) for code in actions if code != "reconcile"],
        "may_reconcile": "reconcile" in actions,
        "may_download": bool(batch.bank_file) and user.has_perm(services.REVEAL),
        "return_form": return_form or ReturnFileForm(initial={"version": batch.version}),
        "report": selectors.payment_batch_reconciliation(batch),
        "progress": selectors.payment_batch_progress(batch),
        "error": error,
    })
    return context


@login_required
@require_GET
def batch_detail(request, ref):
    _require_finance(request.user)
    batch = _batch_or_404(request.user, ref)
    return render(request, "subsidies/payments/batch_detail.html", _detail_context(request, batch))


def _render_error(request, batch, exc: ApplicationError, **forms):
    batch.refresh_from_db()
    error = {"message": str(exc.message), "stale": isinstance(exc, ConflictError),
             "lines": exc.extra.get("errors") or [f"{i['ref']}: {i['reason']}" for i in exc.extra.get("items", [])]}
    return render(request, "subsidies/payments/batch_detail.html", _detail_context(request, batch, error=error,
                                                                                   **forms), status=exc.http_status)


@login_required
@require_POST
def batch_action(request, ref):
    _require_finance(request.user)
    batch = _batch_or_404(request.user, ref)
    form = BatchActionForm(request.POST)
    if not form.is_valid():
        return _render_error(request, batch, ApplicationError(_("Check the form: some fields are not valid.")))
    action = form.cleaned_data["action"]
    kwargs = {"batch": batch, "actor": request.user, "version": form.cleaned_data["version"]}
    if action == "cancel":
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        ACTION_SERVICES[action](**kwargs)
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        return _render_error(request, batch, exc)
    messages.success(request, ACTION_DONE[action])
    return redirect("subsidies:batch_detail", ref=batch.ref)


@login_required
@require_POST
def batch_reconcile(request, ref):
    _require_finance(request.user)
    batch = _batch_or_404(request.user, ref)
    form = ReturnFileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _render_error(request, batch, ApplicationError(" ".join(errors)), return_form=form)
    try:
        services.payment_batch_reconcile(batch=batch, return_file=form.cleaned_data["file"], actor=request.user,
                                         version=form.cleaned_data["version"])
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as exc:
        return _render_error(request, batch, exc, return_form=form)
    messages.success(request, _("The return file was read. Paid cases are being marked paid."))
    return redirect("subsidies:batch_detail", ref=batch.ref)


@login_required
@require_GET
def batch_download(request, ref):
    _require_finance(request.user)
    batch = _batch_or_404(request.user, ref)
    try:
        handle = services.payment_batch_download_open(batch=batch, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except ConflictError as exc:
        return _render_error(request, batch, exc)
    except ApplicationError:
        raise PermissionDenied from None
    response = FileResponse(handle, as_attachment=True, filename=f"{batch.ref}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def batch_progress(request, ref):
    """The settling progress bar, polled by htmx every second while the batch reconciles; when it ends, the
    page reloads once to show the result."""
    _require_finance(request.user)
    batch = _batch_or_404(request.user, ref)
    progress = selectors.payment_batch_progress(batch)
    response = render(request, "subsidies/payments/_progress.html", {"batch": batch, "progress": progress})
    if not progress.running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


urlpatterns = [
    path("payment-batches/", batch_list, name="batch_list"),
    path("payment-batches/new/", batch_new, name="batch_new"),
    path("payment-batches/<str:ref>/", batch_detail, name="batch_detail"),
    path("payment-batches/<str:ref>/action/", batch_action, name="batch_action"),
    path("payment-batches/<str:ref>/return-file/", batch_reconcile, name="batch_reconcile"),
    path("payment-batches/<str:ref>/bank-file/", batch_download, name="batch_download"),
    path("payment-batches/<str:ref>/progress/", batch_progress, name="batch_progress"),
]
