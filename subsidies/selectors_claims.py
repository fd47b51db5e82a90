"""Reads of subsidy claims, scoped through casework's selectors: the lists, one claim with its data, and what
the applicant or the caseworker is shown about it (findings, the amount and why, the monthly schedule)."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.rules import material_upload_refusal
from guangyuan_jobs.casework.selectors import actor_view, case_attachments, case_get_for, case_list_for
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.policy.keys import key_label, unit_label
from guangyuan_jobs.policy.models import PolicyParameter
from subsidies.forms_claims import CLAIM_FORMS
from subsidies.kinds import CLAIM_RULES, SUBSIDY_KINDS, claim_assess, claim_detail
from subsidies.models import BenefitPeriod, StablePostRefundDetail, SubsidyInstalment

EDITABLE_STATUSES = (CaseStatus.DRAFT, CaseStatus.RETURNED)
SCHEDULE_STATUSES = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID)
CONFIDENCE_LABELS = dict(PolicyParameter.Confidence.choices)


def claim_list_for(*, user, filters: dict | None = None) -> QuerySet[Case]:
    """The subsidy claims the user may see (applicants: their own), newest first. Filters: kind, status."""
    filters = dict(filters or {})
    kind = filters.pop("kind", None)
    qs = case_list_for(user=user, filters=filters).filter(kind__in=list(CLAIM_RULES))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def claim_get_for(*, user, ref: str) -> Case:
    case = case_get_for(user=user, ref=ref)
    if case.kind not in CLAIM_RULES:
        raise NotFoundError()
    return case


def claim_applicant_side(*, case: Case, user) -> bool:
    """Casework's rule for applicant actions: the applicant, or the counter clerk who filed the claim."""
    own = user.is_applicant and user.has_perm("casework.file_case") and (
        (case.applicant_person_id is not None and case.applicant_person_id == user.person_id)
        or (case.applicant_enterprise_id is not None and case.applicant_enterprise_id == user.enterprise_id))
    counter = not user.is_applicant and user.has_perm("casework.file_case_for_other") and case.created_by_id == user.pk
    return bool(own or counter)


def claim_from_agency_data(case: Case) -> bool:
    """A 免申即享 stable-post refund: its figures come from the social-insurance agency's roster, and the firm
    only confirms it (with its bank account) on the refund's own page, never edits or submits it here."""
    detail = claim_detail(case) if case.kind == "WGFH" else None
    return detail is not None and detail.channel == StablePostRefundDetail.Channel.DIRECT


def claim_editable(*, case: Case, user) -> bool:
    """The claim can still be changed, and by this user."""
    return (case.status in EDITABLE_STATUSES and claim_applicant_side(case=case, user=user)
            and not claim_from_agency_data(case))


def claim_kinds_for(user) -> list:
    """The kinds the user may file: an applicant those of their own kind (person or enterprise), a counter
    clerk every kind."""
    if user.is_applicant:
        if not user.has_perm("casework.file_case"):
            return []
        applicant_type = "enterprise" if user.enterprise_id else "person"
        return [kind for kind in SUBSIDY_KINDS if kind.applicant_type == applicant_type]
    return list(SUBSIDY_KINDS) if user.has_perm("casework.file_case_for_other") else []


def _display(value) -> str:
    label = getattr(value, "label", None)
    return str(label) if label is not None else ("" if value is None else str(value))


def claim_data(case: Case, detail=None) -> dict:
    """The claim's data by form field, JSON-ready; the person hired shows with a masked ID number."""
    detail = detail if detail is not None else claim_detail(case)
    if detail is None:
        return {}
    data = {}
    for name in CLAIM_FORMS[case.kind].base_fields:
        if name == "period_start":
            value = case.period_start
        elif name == "hired_id_number":
            value = detail.hired_person.id_number_masked
        elif name == "hired_name":
            value = detail.hired_person.name
        else:
            value = getattr(detail, name, None)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else (
            str(value) if value is not None and not isinstance(value, bool | int | str) else value)
    return data


def claim_data_rows(case: Case, detail=None) -> list[tuple[str, str]]:
    """(label, value) of each field, for pages; choices show their labels."""
    detail = detail if detail is not None else claim_detail(case)
    if detail is None:
        return []
    data = claim_data(case, detail)
    rows = []
    for name, form_field in CLAIM_FORMS[case.kind].base_fields.items():
        value = data.get(name)
        choices = dict(getattr(form_field, "choices", []) or [])
        rows.append((str(form_field.label), _display(choices.get(value, choices.get(str(value), value)))))
    return rows


@dataclass(frozen=True)
class ParameterRow:
    label: str
    key: str
    value: str
    valid: str
    region: str
    document: str
    confidence: str
    confidence_label: str


def parameter_rows(parameters) -> list[ParameterRow]:
    """The parameters an amount was worked out with (ParameterValue snapshots), for the "why this amount"
    table: what, how much, in force when and where, on which document, how sure."""
    rows = []
    for p in parameters or ():
        unit = unit_label(p.get("unit", ""))
        rows.append(ParameterRow(
            label=str(key_label(p["key"])), key=p["key"], value=f"{p['value']} {unit}".strip(),
            valid=f"{p['valid_from']} – {p.get('valid_to') or ''}", region=p.get("region") or "",
            document=p.get("document") or "", confidence=p.get("confidence") or "",
            confidence_label=str(CONFIDENCE_LABELS.get(p.get("confidence"), p.get("confidence") or ""))))
    return rows


@dataclass
class ClaimOverview:
    """What a page or the API shows about one claim beyond casework's own fields."""

    case: Case
    detail: object
    data_rows: list
    findings: list[str]
    amount: dict | None  # {"amount", "explanation", "parameters"}
    estimate: bool  # the amount is the rules' estimate for a claim not yet submitted
    parameters: list[ParameterRow] = field(default_factory=list)
    missing_required: list = field(default_factory=list)  # required materials with no file yet
    no_amount_reason: str = ""  # why the rules give no amount (e.g. the reviewer sets it)

    # An unemployment subsidy's months and benefit period, read when a page shows them (the API does not).
    @cached_property
    def instalments(self) -> list:
        if self.case.kind != "SYBZJ":
            return []
        return list(SubsidyInstalment.objects.filter(case=self.case).order_by("month"))

    @cached_property
    def benefit_period(self) -> BenefitPeriod | None:
        if self.case.kind != "SYBZJ":
            return None
        return BenefitPeriod.objects.filter(case=self.case).order_by("-voided", "-id").first()


def claim_overview(*, case: Case, user) -> ClaimOverview:
    """Findings and amount: live from the rules while the applicant can still change the claim (their
    pre-check), as recorded at submission and review afterwards; recorded findings are for staff only."""
    detail = claim_detail(case)
    editable = case.status in EDITABLE_STATUSES
    assessment = claim_assess(case) if editable or not (case.policy_snapshot or {}).get("amount") else None
    if editable:
        findings = [f.message for f in assessment.findings]
        quote = assessment.quote
        amount = ({"amount": str(quote.amount), "explanation": str(quote.explanation),
                   "parameters": list(quote.parameters)} if quote else None)
    else:
        findings = [] if user.is_applicant else list((case.details or {}).get("eligibility_issues", []))
        amount = (case.policy_snapshot or {}).get("amount")
    reason = assessment.no_quote_reason if assessment is not None and assessment.quote is None else None
    overview = ClaimOverview(case=case, detail=detail, data_rows=claim_data_rows(case, detail), findings=findings,
                             amount=amount, estimate=editable and amount is not None,
                             parameters=parameter_rows((amount or {}).get("parameters")),
                             no_amount_reason=reason.message if reason and amount is None else "")
    if editable:
        kind = next(k for k in SUBSIDY_KINDS if k.code == case.kind)
        supplied = {a.material_code for a in case_attachments(case)}
        overview.missing_required = [m for m in kind.materials if m.required and m.code not in supplied]
    return overview


def claim_may_upload(*, case: Case, user) -> bool:
    view = actor_view(user=user, case=case, in_scope=True)
    return material_upload_refusal(actor=view, status=case.status) is None


def claim_staff_tools(*, case: Case, user) -> dict:
    """Which caseworker forms the case page offers: the reviewer's amount for a start-up subsidy without a
    standard, and the stop of an unemployment subsidy's monthly payments."""
    if user.is_applicant or not user.has_perm("casework.review_case"):
        return {"set_amount": False, "stop": False}
    detail = claim_detail(case)
    set_amount = (case.kind == "CYBT" and case.status == CaseStatus.ACCEPTED and detail is not None
                  and (detail.reviewer_amount is not None or claim_assess(case).quote is None))
    stop = (case.kind == "SYBZJ" and case.status in SCHEDULE_STATUSES and detail is not None
            and detail.stopped_on is None and SubsidyInstalment.objects.filter(case=case).exists())
    return {"set_amount": set_amount, "stop": stop}
