"""Browser pages: the events list (filters, pages), a new event, an event's page with its participants (filtered
by registration status; a participant sees theirs: registered, waiting with its place, or cancelled), cancelling
a registration, attendance, fair outcomes or contest rounds, scores and awards, and the public winners list of a
contest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entrepreneurship.models import CooperatingBank, Loan
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.core.pagination import paginate
from startup_events import rules, selectors
from startup_events.forms import AwardForm, EventFilterForm, EventForm, SelfRegistrationForm, WalkInForm
from startup_events.models import (
    AwardLevel,
    ContestRound,
    Event,
    EventStatus,
    EventType,
    Registration,
    RegistrationStatus,
)
from startup_events.services.events import (
    attendance_record,
    event_create,
    event_transition,
    registration_cancel,
    registration_self,
    registration_walk_in,
)
from startup_events.services.outcomes import (
    award_grant,
    event_bank_add,
    event_loan_link,
    intention_record,
    round_add,
    score_record,
)


def _require_view(user):
    if not selectors.may_view(user):
        raise PermissionDenied


@login_required
@require_GET
def event_list(request):
    _require_view(request.user)
    filter_form = EventFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    events = selectors.event_list_for(user=request.user, filters=filters)
    return render(request, "startup_events/list.html", {
        "filter_form": filter_form, **paginate(request, events),
        "may_create": request.user.has_perm(selectors.MANAGE) and not request.user.is_applicant,
        "mine": selectors.own_registrations(user=request.user)[:20],
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    user = request.user
    if user.is_applicant or not user.has_perm(selectors.MANAGE):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The event %(ref)s is saved as a draft.") % {"ref": event.ref})
            return redirect("startup_events:event_detail", event.ref)
    return render(request, "startup_events/new.html", {"form": form}, status=400 if form.errors else 200)


def _event_or_404(user, ref) -> Event:
    try:
        return selectors.event_get_for(user=user, ref=ref)
    except NotFoundError:
        raise Http404 from None


def _detail_context(request, event: Event, *, error: str | None = None, field_errors: dict | None = None) -> dict:
    user = request.user
    staff = not user.is_applicant
    manage = staff and user.has_perm(selectors.MANAGE)
    judge = staff and user.has_perm(selectors.SCORE)
    mine = selectors.own_registration(user=user, event=event)
    cancellation_open = rules.cancellation_open(event.status, held_on=event.held_on, today=timezone.localdate())
    context = {
        "event": event, "totals": selectors.event_totals(event), "error": error, "field_errors": field_errors or {},
        "staff": staff, "manage": manage, "judge": judge,
        "actions": rules.actions_open(event.status) if manage else [],
        "registration_open": rules.registration_open(event.status),
        "outcomes_open": rules.outcomes_open(event.status),
        "attendance_open": rules.attendance_open(event.status),
        "seats_left": rules.seats_left(capacity=event.capacity, taken=selectors.seats_taken(event)),
        "mine": mine, "cancellation_open": cancellation_open,
        "may_cancel_mine": bool(mine and mine.status in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
                                and cancellation_open),
        "self_form": SelfRegistrationForm(), "walk_in_form": WalkInForm(),
        "award_form": AwardForm(), "award_levels": AwardLevel.choices,
        "banks": event.banks.select_related("bank"), "rounds": list(event.rounds.all()),
        "awards": selectors.winners(event) if event.is_contest else [],
        "is_finance": event.is_finance, "is_contest": event.is_contest,
    }
    if staff:
        wanted = request.GET.get("status", "")
        wanted = wanted if wanted in RegistrationStatus.values else ""
        context["registration_statuses"] = RegistrationStatus.choices
        context["registration_status"] = wanted
        registrations = selectors.registrations_of(event, status=wanted or None).prefetch_related(
            "intentions__bank", "loans__loan")
        context.update(paginate(request, registrations, per_page=50))
        if manage and event.is_finance and context["outcomes_open"]:
            context["all_banks"] = CooperatingBank.objects.filter(active=True).order_by("name")
            context["candidate_loans"] = {
                reg.pk: list(selectors.participant_loans(reg)) for reg in context["page_obj"] if reg.attended}
        if event.is_contest:
            context["score_table"] = selectors.score_table(event)
        context["intentions"] = event.intentions.select_related("registration", "bank")
        context["event_loans"] = event.loans.select_related("registration", "loan", "loan__bank")
    return context


@login_required
@require_GET
def event_detail(request, ref):
    _require_view(request.user)
    event = _event_or_404(request.user, ref)
    return render(request, "startup_events/detail.html", _detail_context(request, event))


def _run(request, event: Event, work, success):
    """Run a service call; on a refusal show the event's page again with the reason and the service's status.
    `success` is the message, or a function of the call's result that gives it."""
    try:
        result = work()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        message = " ".join(str(m) for messages_ in errors.values() for m in messages_)
        return render(request, "startup_events/detail.html",
                      _detail_context(request, event, error=message, field_errors=errors), status=400)
    except ApplicationError as exc:
        event.refresh_from_db()
        return render(request, "startup_events/detail.html",
                      _detail_context(request, event, error=str(exc.message)), status=exc.http_status)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("startup_events:event_detail", event.ref)


def _require_manage_page(user):
    if user.is_applicant or not user.has_perm(selectors.MANAGE):
        raise PermissionDenied


@login_required
@require_POST
def event_action(request, ref):
    _require_manage_page(request.user)
    event = _event_or_404(request.user, ref)
    action = request.POST.get("action", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    label = rules.ACTIONS[action].label if action in rules.ACTIONS else action
    return _run(request, event, lambda: event_transition(event=event, action=action, actor=request.user,
                                                         version=version),
                _("Done: %(action)s.") % {"action": label})


@login_required
@require_POST
def event_register(request, ref):
    user = request.user
    if not user.is_applicant and not user.has_perm(selectors.MANAGE):
        raise PermissionDenied
    event = _event_or_404(user, ref)
    if user.is_applicant:
        form = SelfRegistrationForm(request.POST)
        project = form.cleaned_data["project"] if form.is_valid() else ""
        return _run(request, event, lambda: registration_self(event=event, actor=user, project=project),
                    lambda registration: _registered_message(registration, event, yourself=True))
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return render(request, "startup_events/detail.html",
                      _detail_context(request, event, error=_("Check the marked fields.")), status=400)
    data = form.cleaned_data
    return _run(request, event, lambda: registration_walk_in(
        event=event, actor=user, id_number=data["id_number"], name=data["name"], credit_code=data["credit_code"],
        project=data["project"]), lambda registration: _registered_message(registration, event, yourself=False))


def _registered_message(registration: Registration, event: Event, *, yourself: bool) -> str:
    if registration.status == RegistrationStatus.WAITING:
        values = {"title": event.title, "n": registration.waiting_position, "name": registration.name}
        if yourself:
            return _("%(title)s is full: you are on the waiting list, number %(n)d. You will be registered "
                     "automatically, in order, when a place frees up.") % values
        return _("The event is full: %(name)s is on the waiting list, number %(n)d.") % values
    if yourself:
        return _("You are registered for %(title)s.") % {"title": event.title}
    return _("The participant is registered.")


@login_required
@require_POST
def registration_cancel_view(request, ref, pk):
    """The participant cancels their own registration, or staff who organise the event cancel one."""
    user = request.user
    if not user.is_applicant and not user.has_perm(selectors.MANAGE):
        raise PermissionDenied
    event = _event_or_404(user, ref)
    try:
        registration = selectors.registration_get_for(user=user, event=event, pk=pk)
    except NotFoundError:
        raise Http404 from None

    def message(cancelled: Registration) -> str:
        text = _("The registration of %(name)s is cancelled.") % {"name": cancelled.name}
        if cancelled.promoted and not user.is_applicant:  # applicants never see other participants' names
            text += " " + _("Moved up from the waiting list: %(names)s.") % {
                "names": "、".join(r.name for r in cancelled.promoted)}
        return text

    return _run(request, event, lambda: registration_cancel(registration=registration, actor=user), message)


def _registration(event: Event, value) -> Registration:
    try:
        return event.registrations.get(pk=int(value))
    except (TypeError, ValueError, Registration.DoesNotExist):
        raise ValidationError({"registration": [_("Choose a participant of this event.")]}) from None


@login_required
@require_POST
def attendance(request, ref):
    _require_manage_page(request.user)
    event = _event_or_404(request.user, ref)
    attended = request.POST.get("attended") == "1"

    def work():
        attendance_record(registration=_registration(event, request.POST.get("registration")), attended=attended,
                          actor=request.user)

    return _run(request, event, work, _("Attendance recorded."))


@login_required
@require_POST
def outcome(request, ref):
    _require_manage_page(request.user)
    event = _event_or_404(request.user, ref)
    kind = request.POST.get("kind", "")

    def bank():
        found = CooperatingBank.objects.filter(code=request.POST.get("bank", "")).first()
        if found is None:
            raise ValidationError({"bank": [_("Choose a cooperating bank.")]})
        return found

    def work():
        if kind == "bank":
            event_bank_add(event=event, bank=bank(), actor=request.user)
        elif kind == "intention":
            intention_record(registration=_registration(event, request.POST.get("registration")), bank=bank(),
                             amount=request.POST.get("amount", ""), actor=request.user)
        elif kind == "loan":
            loan = Loan.objects.filter(ref=request.POST.get("loan", "")).first()
            if loan is None:
                raise ValidationError({"loan": [_("Choose one of the participant's loans.")]})
            event_loan_link(registration=_registration(event, request.POST.get("registration")), loan=loan,
                            actor=request.user)
        else:
            raise ValidationError({"kind": [_("Unknown outcome.")]})

    return _run(request, event, work, _("Outcome recorded."))


@login_required
@require_POST
def contest(request, ref):
    user = request.user
    if user.is_applicant or not (user.has_perm(selectors.MANAGE) or user.has_perm(selectors.SCORE)):
        raise PermissionDenied
    event = _event_or_404(user, ref)
    kind = request.POST.get("kind", "")

    def work():
        if kind == "round":
            round_add(event=event, name=request.POST.get("name", ""), actor=user)
        elif kind == "score":
            contest_round = ContestRound.objects.filter(event=event, pk=request.POST.get("round") or 0).first()
            if contest_round is None:
                raise ValidationError({"round": [_("Choose a round of this contest.")]})
            score_record(contest_round=contest_round, registration=_registration(event, request.POST.get(
                "registration")), score=request.POST.get("score", ""), actor=user)
        elif kind == "award":
            award_grant(registration=_registration(event, request.POST.get("registration")),
                        level=request.POST.get("level", ""), bonus=request.POST.get("bonus", ""), actor=user)
        else:
            raise ValidationError({"kind": [_("Unknown contest entry.")]})

    return _run(request, event, work, _("Recorded."))


@require_GET
def winners(request, ref):
    """The public list of a contest's winners, once the contest is held (公示)."""
    event = Event.objects.filter(ref=ref, event_type=EventType.CONTEST,
                                 status__in=(EventStatus.HELD, EventStatus.CLOSED)).select_related("region").first()
    if event is None:
        raise Http404
    return render(request, "startup_events/winners.html", {"event": event, "awards": selectors.winners(event)})
