"""People and enterprise pages. Numbers are shown masked; a full number is revealed only on request, with a
reason, to a role that holds registry.reveal_identity, and every request (granted or refused) is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.core.masking import mask_phone
from guangyuan_jobs.core.pagination import paginate
from guangyuan_jobs.registry.forms import EnterpriseFilterForm, PersonFilterForm, PersonLookupForm, SizeClassForm
from guangyuan_jobs.registry.selectors import (
    enterprise_get_for,
    enterprise_list_for,
    enterprise_size_class_history,
    person_get_for,
    person_list_for,
)
from guangyuan_jobs.registry.services import (
    enterprise_reveal,
    enterprise_size_class_set,
    person_find,
    person_reveal,
)

REVEAL_PERMISSION = "registry.reveal_identity"


def _filters(form) -> dict:
    """The valid filters of a filter form; an invalid field is reported on the page and ignored."""
    form.is_valid()
    return {name: value for name, value in getattr(form, "cleaned_data", {}).items() if value}


def _person_or_404(request, pk: int):
    person = person_get_for(user=request.user, pk=pk)
    if person is None:
        raise Http404
    return person


def _enterprise_or_404(request, pk: int):
    enterprise = enterprise_get_for(user=request.user, pk=pk)
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
@permission_required("registry.view_person", raise_exception=True)
def person_list(request):
    form = PersonFilterForm(request.GET or None)
    people = person_list_for(user=request.user, **_filters(form))
    return render(request, "registry/person_list.html",
                  {"form": form, "lookup_form": PersonLookupForm(), **paginate(request, people)})


@login_required
@permission_required("registry.view_person", raise_exception=True)
@require_POST
def person_lookup(request):
    """Find a person by the full ID number. POST, so the number never lands in a URL or an access log."""
    lookup_form = PersonLookupForm(request.POST)
    if lookup_form.is_valid():
        found = person_find(id_number=lookup_form.cleaned_data["id_number"])
        # Someone outside the user's area is "not found": the page must not confirm they exist.
        if found is not None and person_get_for(user=request.user, pk=found.pk) is not None:
            return redirect("registry:person_detail", pk=found.pk)
        lookup_form.add_error("id_number", _("No person with this ID number is registered in your area."))
    form = PersonFilterForm()
    people = person_list_for(user=request.user)
    return render(request, "registry/person_list.html",
                  {"form": form, "lookup_form": lookup_form, **paginate(request, people)}, status=400)


def _reveal_context(request, *, revealed: dict | None = None, errors: dict | None = None) -> dict:
    return {"can_reveal": request.user.has_perm(REVEAL_PERMISSION), "revealed": revealed or {},
            "reveal_errors": errors or {}}


def _person_context(person) -> dict:
    return {"person": person, "reveal_url": reverse("registry:person_reveal", kwargs={"pk": person.pk})}


@never_cache
@login_required
@permission_required("registry.view_person", raise_exception=True)
def person_detail(request, pk: int):
    person = _person_or_404(request, pk)
    return render(request, "registry/person_detail.html", {**_person_context(person), **_reveal_context(request)})


def _reveal_response(request, *, page_template: str, page_context: dict, field: str, masked: str, reveal):
    """Run `reveal`; answer with the swapped fragment (htmx) or the whole page; 403 when refused."""
    htmx = request.headers.get("HX-Request") == "true"
    revealed, errors, status = {}, {}, 200
    try:
        revealed[field] = reveal()
    except ForbiddenError as exc:
        return render(request, "registry/partials/reveal_denied.html", {"message": exc.message}, status=403)
    except ValidationError as exc:
        errors[field] = " ".join(exc.messages)
        # htmx swaps only 2xx answers; the fragment then shows the message in place.
        status = 200 if htmx else 400
    context = {**page_context, **_reveal_context(request, revealed=revealed, errors=errors)}
    if htmx:
        return render(request, "registry/partials/reveal.html", {**context, "field": field, "masked": masked,
                                                                 "url": page_context["reveal_url"]}, status=status)
    return render(request, page_template, context, status=status)


@never_cache
@login_required
@permission_required("registry.view_person", raise_exception=True)
@require_POST
def person_reveal_view(request, pk: int):
    person = _person_or_404(request, pk)
    field = request.POST.get("field", "id_number")
    masked = {"id_number": person.id_number_masked, "bank_account": person.bank_account_masked,
              "phone": mask_phone(person.phone)}.get(field, "")
    return _reveal_response(
        request, page_template="registry/person_detail.html", page_context=_person_context(person), field=field,
        masked=masked, reveal=lambda: person_reveal(person=person, actor=request.user,
                                                    reason=request.POST.get("reason", ""), field=field),
    )


@login_required
@permission_required("registry.view_enterprise", raise_exception=True)
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None)
    enterprises = enterprise_list_for(user=request.user, **_filters(form))
    return render(request, "registry/enterprise_list.html", {"form": form, **paginate(request, enterprises)})


def _enterprise_context(request, enterprise, *, size_form=None) -> dict:
    return {
        "enterprise": enterprise,
        "size_classes": enterprise_size_class_history(enterprise),
        "size_form": size_form or SizeClassForm(),
        "can_set_size": request.user.has_perm("registry.change_enterprise"),
        "reveal_url": reverse("registry:enterprise_reveal", kwargs={"pk": enterprise.pk}),
    }


@never_cache
@login_required
@permission_required("registry.view_enterprise", raise_exception=True)
def enterprise_detail(request, pk: int):
    enterprise = _enterprise_or_404(request, pk)
    return render(request, "registry/enterprise_detail.html",
                  {**_enterprise_context(request, enterprise), **_reveal_context(request)})


@never_cache
@login_required
@permission_required("registry.view_enterprise", raise_exception=True)
@require_POST
def enterprise_reveal_view(request, pk: int):
    enterprise = _enterprise_or_404(request, pk)
    return _reveal_response(
        request, page_template="registry/enterprise_detail.html", page_context=_enterprise_context(request, enterprise),
        field="bank_account", masked=enterprise.bank_account_masked,
        reveal=lambda: enterprise_reveal(enterprise=enterprise, actor=request.user,
                                         reason=request.POST.get("reason", "")),
    )


@login_required
@permission_required("registry.change_enterprise", raise_exception=True)
@require_POST
def enterprise_size_class(request, pk: int):
    enterprise = _enterprise_or_404(request, pk)
    form = SizeClassForm(request.POST)
    if form.is_valid():
        try:
            enterprise_size_class_set(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The size class is recorded."))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/enterprise_detail.html",
                  {**_enterprise_context(request, enterprise, size_form=form), **_reveal_context(request)},
                  status=400)
