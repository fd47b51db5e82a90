"""Reads of 政策宣讲 (outreach): the public service guide (办事指南) of each subsidy kind, built from the kind's
registration and the policy parameters in force; the briefing-session register; and the people or firms a
policy push may reach. Every list of people, firms or sessions goes through accounts' scope_queryset."""

import datetime
import hashlib
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.casework.kinds import CaseKind, get_kind
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.core.masking import mask_name
from guangyuan_jobs.policy import keys as policy_keys
from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_parameter, working_days_between
from guangyuan_jobs.registry.models import Enterprise, Person
from guangyuan_jobs.registry.selectors import region_choices
from subsidies.guides_outreach import APPLICANT_LABELS, GUIDES, STEPS, TEXT_VALUE_LABELS, Condition, GuideContent
from subsidies.models import BriefingSession, PolicyPush, PolicyPushRecipient

GUANGYUAN = CITY_CODE


# --- the guide ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuideParameter:
    key: str
    label: str
    value: str  # formatted for reading; "" when nothing is in force
    in_force: bool
    raw: object = None  # the typed value, for the guide's own arithmetic
    confidence: str = ""  # verified / secondary / unverified
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    doc_no: str = ""
    doc_title: str = ""
    doc_url: str = ""

    @property
    def to_be_confirmed(self) -> bool:
        """A ❓ value: recalled or a local choice, not yet signed off; the page says "to be confirmed"."""
        return self.confidence == PolicyParameter.Confidence.UNVERIFIED


@dataclass(frozen=True)
class GuideStep:
    code: str
    label: str
    description: str
    limit: str  # "within 5 working days"; "" when the step has none
    parameter: GuideParameter | None


@dataclass(frozen=True)
class ProcessingDays:
    """Working days from submission to payment over the paid cases of a kind."""

    cases: int
    median: Decimal


@dataclass(frozen=True)
class ServiceGuide:
    kind: CaseKind
    applicant_label: str
    summary: str
    conditions: list[str]
    parameters: list[GuideParameter]
    reference_date: datetime.date
    premium_year: int | None
    window_closed_on: datetime.date | None
    steps: list[GuideStep]
    decision: GuideParameter  # the kind's time limit from acceptance to decision
    promised_days: int | None  # decision + public notice + payment, when all are in force
    promised_to_be_confirmed: bool
    actual: ProcessingDays | None


def guide_kind_codes() -> list[str]:
    """The kinds that have a guide: the subsidy kinds registered with casework."""
    codes = []
    for code in GUIDES:
        try:
            get_kind(code)
        except LookupError:
            continue
        codes.append(code)
    return codes


def guide_kind_labels() -> list[tuple[str, str]]:
    return [(code, get_kind(code).label) for code in guide_kind_codes()]


def service_applicant_label(code: str) -> str:
    applicant_type = get_kind(code).applicant_type
    return str(APPLICANT_LABELS.get(applicant_type, applicant_type))


def _format_value(value, unit: str) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Decimal) and unit == "ratio":
        return f"{(value * 100).normalize():f}%"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value in TEXT_VALUE_LABELS:
        return str(TEXT_VALUE_LABELS[value])
    text = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
    if unit in ("", "ratio", "date"):
        return text
    # Casework's own seed writes "working days" where the policy seed writes "working_days".
    return f"{text} {policy_keys.unit_label(unit.replace(' ', '_'))}"


def guide_parameter(key: str, *, on: datetime.date, region: str = GUANGYUAN) -> GuideParameter:
    """A parameter as the public reads it: value and unit, its document, how far it is verified."""
    label = str(policy_keys.key_label(key))
    try:
        found = policy_parameter(key, on=on, region=region)
    except PolicyParameterMissing:
        return GuideParameter(key=key, label=label, value="", in_force=False)
    row = (PolicyParameter.objects.select_related("document")
           .filter(key=key, valid_from=found.valid_from)
           .filter(Q(region_id=found.region_code) if found.region_code else Q(region__isnull=True)).first())
    document = row.document if row else None
    return GuideParameter(
        key=key, label=label, value=_format_value(found.value, found.unit), in_force=True, raw=found.value,
        confidence=found.confidence, valid_from=found.valid_from, valid_to=found.valid_to,
        doc_no=document.doc_no if document else "", doc_title=document.title if document else "",
        doc_url=document.url if document else "",
    )


def _condition_text(condition: Condition, values: dict[str, GuideParameter]) -> str:
    if not condition.parameters:
        return str(condition.text)
    filled = {}
    for name, key in condition.parameters.items():
        parameter = values[key]
        if not parameter.in_force:
            filled[name] = gettext("not set")
        elif parameter.to_be_confirmed:
            filled[name] = gettext("%(value)s (to be confirmed)") % {"value": parameter.value}
        else:
            filled[name] = parameter.value
    return str(condition.text) % filled


def guide_reference_date(content: GuideContent, today: datetime.date) -> datetime.date:
    if content.reference == "premium_year":
        return datetime.date(today.year - 1, 12, 31)
    return today


def service_guide(code: str, *, today: datetime.date | None = None) -> ServiceGuide:
    """The guide of one kind, from its registration and the parameters in force for Guangyuan (time limits
    today; the kind's own values on its reference date). Raises LookupError for a kind without a guide."""
    if code not in guide_kind_codes():
        raise LookupError(code)
    kind = get_kind(code)
    content = GUIDES[code]
    today = today or timezone.localdate()
    on = guide_reference_date(content, today)
    window_closed_on = None
    if content.window_end_key:
        window_end = guide_parameter(content.window_end_key, on=on)
        if window_end.in_force and window_end.raw < today:
            # A temporary measure that is over reads as it stood on its last day, not as "nothing in force".
            window_closed_on = on = window_end.raw
    keys = dict.fromkeys([*content.keys, *(k for c in content.conditions for k in c.parameters.values())])
    values = {key: guide_parameter(key, on=on) for key in keys}

    steps = []
    for step_code, label, description, key, limit in STEPS:
        if step_code == "notice" and not kind.public_notice:
            continue
        parameter = guide_parameter(key, on=today) if key else None
        steps.append(GuideStep(
            code=step_code, label=str(label), description=str(description), parameter=parameter,
            limit=str(limit) % {"days": parameter.raw} if parameter and parameter.in_force else "",
        ))
    decision = guide_parameter(kind.time_limit_parameter, on=today)
    # What the Center promises from acceptance to money: the decision, the notice and the payment limits.
    limits = {step.code: step.parameter for step in steps}
    needed = [decision, limits["pay"], *([limits["notice"]] if kind.public_notice else [])]
    promised = sum(int(p.raw) for p in needed) if all(p.in_force for p in needed) else None
    promised_unconfirmed = any(p.to_be_confirmed for p in needed)
    return ServiceGuide(
        kind=kind, applicant_label=service_applicant_label(code),
        summary=str(kind.description or content.summary),
        conditions=[_condition_text(c, values) for c in content.conditions],
        parameters=[values[key] for key in content.keys], reference_date=on,
        premium_year=on.year if content.reference == "premium_year" else None,
        window_closed_on=window_closed_on, steps=steps, decision=decision, promised_days=promised,
        promised_to_be_confirmed=promised_unconfirmed, actual=kind_processing_days(code),
    )


# The median is recomputed when a case of the kind is paid (the key changes) or the day changes; in between,
# the public page reads it from the cache rather than counting working days on every view.
PROCESSING_DAYS_CACHE_SECONDS = 600


def kind_processing_days(code: str) -> ProcessingDays | None:
    """Median working days from submission to payment over the paid cases of `code`; None without any.

    Counted with the policy calendar (working_days_between), once per distinct date rather than per case:
    W(d) = working days from the earliest date up to d, so a case takes W(paid) - W(submitted).
    """
    paid = Case.objects.filter(kind=code, submitted_at__isnull=False, paid_at__isnull=False)
    summary = paid.aggregate(n=Count("pk"), last_id=Max("pk"), last_paid=Max("paid_at"))
    if not summary["n"]:
        return None
    fingerprint = f"{code}|{summary['n']}|{summary['last_id']}|{summary['last_paid']}|{timezone.localdate()}"
    key = "subsidies:outreach:processing_days:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    pairs = [(timezone.localdate(submitted), timezone.localdate(paid_at))
             for submitted, paid_at in paid.values_list("submitted_at", "paid_at").iterator()]
    dates = sorted({d for pair in pairs for d in pair})
    cumulative = {dates[0]: 0}
    for previous, current in zip(dates, dates[1:], strict=False):
        cumulative[current] = cumulative[previous] + working_days_between(previous, current)
    days = [max(0, cumulative[paid_on] - cumulative[submitted_on]) for submitted_on, paid_on in pairs]
    result = ProcessingDays(cases=len(days), median=Decimal(str(statistics.median(days))).quantize(Decimal("0.1")))
    cache.set(key, result, PROCESSING_DAYS_CACHE_SECONDS)
    return result


# --- briefing sessions ----------------------------------------------------------------------------------------

def region_choices_for(user: User) -> list[tuple[str, str]]:
    """The city and districts a staff member may record a session or send a push in: their own area.
    (The services check the saved row with scope_queryset itself; this only keeps the choice list short.)"""
    choices = region_choices()
    if user.scope == User.Scope.WHOLE_CITY:
        return choices
    if user.scope == User.Scope.CITY_LEVEL:
        return [c for c in choices if c[0] == GUANGYUAN]
    if user.scope == User.Scope.DISTRICT and user.scope_region_id:
        return [c for c in choices if c[0].startswith(user.scope_region_id[:6])]
    return []


def region_in_scope(user: User, code: str) -> bool:
    return code in {c for c, _name in region_choices_for(user)}


def briefing_list_for(*, user, filters: Mapping | None = None) -> QuerySet[BriefingSession]:
    """Filters: date_from, date_to (dates), region (a code: it and everything below it), kind (a code)."""
    filters = filters or {}
    qs = scope_queryset(BriefingSession.objects.select_related("region"), user=user, region_field="region")
    if filters.get("date_from"):
        qs = qs.filter(held_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(held_on__lte=filters["date_to"])
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=str(filters["region"]))
    if filters.get("kind"):
        # `kinds` is a JSON list of codes; its text holds each code in quotes on SQLite and PostgreSQL alike.
        qs = qs.annotate(kinds_text=Cast("kinds", TextField())).filter(kinds_text__contains=f'"{filters["kind"]}"')
    return qs.order_by("-held_on", "-id")


def briefing_totals(queryset: QuerySet[BriefingSession]) -> dict:
    totals = queryset.aggregate(sessions=Count("pk"), attendance=Sum("attendance"))
    return {"sessions": totals["sessions"] or 0, "attendance": totals["attendance"] or 0}


# --- policy pushes --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PushTarget:
    code: str
    label: str
    description: str


PUSH_TARGETS = {
    "no_claim": PushTarget(
        "no_claim", _("Never claimed it"),
        _("People or firms in your area (by the kind's applicant type) with no claim of this kind at all, "
          "whatever its state. For the stable-post refund: no refund case for the premium year (last "
          "calendar year)."),
    ),
    "unfinished": PushTarget(
        "unfinished", _("Started but did not finish"),
        _("People or firms whose claims of this kind all lapsed (materials or confirmation never supplied) or "
          "were withdrawn: none open, paid or refused. Refused claimants are left out: a reviewer found them "
          "not eligible."),
    ),
}
UNFINISHED_STATUSES = (CaseStatus.LAPSED, CaseStatus.WITHDRAWN)


@dataclass(frozen=True)
class PushPreview:
    matched: int  # picked by the rule in the area
    reachable: int  # of those, with a phone number on file


def _case_field(kind: CaseKind) -> str:
    return "applicant_enterprise" if kind.applicant_type == "enterprise" else "applicant_person"


def push_candidates(*, user, kind_code: str, target: str, region: str = "",
                    today: datetime.date | None = None) -> QuerySet:
    """People (or firms, by the kind's applicant type) in the user's area that the target rule picks."""
    kind = get_kind(kind_code)
    field = _case_field(kind)
    model = Enterprise if kind.applicant_type == "enterprise" else Person
    qs = scope_queryset(model.objects.all(), user=user, region_field="region")
    if region:
        qs = qs.filter(region__pk__startswith=region)
    cases = Case.objects.filter(kind=kind.code, **{field: OuterRef("pk")})
    if target == "no_claim":
        if kind.code == "WGFH":
            premium_year = (today or timezone.localdate()).year - 1
            cases = cases.filter(stable_post_refund__premium_year=premium_year)
        qs = qs.filter(~Exists(cases))
    elif target == "unfinished":
        qs = qs.filter(Exists(cases.filter(status__in=UNFINISHED_STATUSES)),
                       ~Exists(cases.exclude(status__in=UNFINISHED_STATUSES)))
    else:
        raise LookupError(target)
    return qs.order_by("pk")


def push_phone_field(kind: CaseKind) -> str:
    return "contact_phone" if kind.applicant_type == "enterprise" else "phone"


def push_preview(*, user, kind_code: str, target: str, region: str = "") -> PushPreview:
    qs = push_candidates(user=user, kind_code=kind_code, target=target, region=region)
    phone = push_phone_field(get_kind(kind_code))
    return PushPreview(matched=qs.count(), reachable=qs.exclude(**{phone: ""}).count())


def push_list_for(*, user, filters: Mapping | None = None) -> QuerySet[PolicyPush]:
    filters = filters or {}
    qs = scope_queryset(PolicyPush.objects.select_related("region", "created_by"), user=user, region_field="region")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    return qs.order_by("-created_at", "-id")


def push_get_for(*, user, pk: int) -> PolicyPush | None:
    return push_list_for(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class PushProgress:
    total: int
    sent: int
    failed: int
    pending: int
    percent: int
    running: bool
    done: bool


def push_progress(push: PolicyPush) -> PushProgress:
    counts = dict(push.recipients.values_list("status").annotate(n=Count("pk")).order_by())
    sent = counts.get(PolicyPushRecipient.Status.SENT, 0)
    failed = counts.get(PolicyPushRecipient.Status.FAILED, 0)
    total = push.total or sum(counts.values())
    done = push.status in (PolicyPush.Status.COMPLETED, PolicyPush.Status.FAILED)
    pending = counts.get(PolicyPushRecipient.Status.PENDING, 0)
    percent = 100 if done or not total else (sent + failed) * 100 // total
    return PushProgress(total=total, sent=sent, failed=failed, pending=pending, percent=percent, running=not done,
                        done=done)


def push_default_message(*, kind_code: str, guide_url: str) -> str:
    return gettext("Guangyuan Employment Services: you may qualify for the %(kind)s. Service guide: %(url)s") % {
        "kind": get_kind(kind_code).label, "url": guide_url}


def push_recipient_label(recipient: PolicyPushRecipient) -> str:
    """A person masked as in a public notice (the policy officer needs no full name or ID number); a firm by
    its name."""
    if recipient.person_id:
        return f"{mask_name(recipient.person.name)}（{recipient.person.id_number_masked}）"
    return recipient.enterprise.name


def push_recipients_for(push: PolicyPush, *, status: str = "") -> QuerySet[PolicyPushRecipient]:
    qs = push.recipients.select_related("person", "enterprise")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")
