"""Filing a loan application (a casework case with its LoanApplication), online by the applicant or at the
counter by an intake clerk for a walk-in borrower, and what the case's moves do to it:
the counter-guarantee worked out on the application date at submission, the approval refused while the rules
find the application ineligible, and the Loan opened when the Center approves."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurship import rules
from entrepreneurship.kinds import KIND_BY_TYPE, application_assess, application_of
from entrepreneurship.models import CooperatingBank, Loan, LoanApplication, LoanEvent, LoanStatus
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.services.cases import case_create_draft, case_submit
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.core.identifiers import parse_credit_code
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_find, person_get_or_create

MONEY_MAX = Decimal("999999999999.99")
TERM_MONTHS_MAX = 120
TEXT_FIELDS = {"business_name": 128, "purpose": 300}


def _decimal(errors: dict, data: dict, field: str) -> Decimal | None:
    try:
        value = Decimal(str(data.get(field, "")).replace(",", "").strip())
    except InvalidOperation:
        errors[field] = [_("Enter an amount in yuan.")]
        return None
    if not value.is_finite() or value <= 0 or value > MONEY_MAX or value != value.quantize(Decimal("0.01")):
        errors[field] = [_("Enter an amount in yuan, more than zero, with at most 2 decimals.")]
        return None
    return value


def _int(errors: dict, data: dict, field: str, *, minimum: int, maximum: int, required: bool = True) -> int | None:
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[field] = [_("Enter a whole number.")]
        return None
    if not minimum <= value <= maximum:
        errors[field] = [_("Enter a number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}]
        return None
    return value


def _date(errors: dict, data: dict, field: str) -> datetime.date | None:
    raw = data.get(field)
    if isinstance(raw, datetime.date):
        value = raw
    else:
        try:
            value = datetime.date.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors[field] = [_("Enter a date as YYYY-MM-DD.")]
            return None
    if value > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]
        return None
    return value


def _flag(data: dict, field: str) -> bool:
    return str(data.get(field, "")).strip().lower() in {"1", "true", "yes", "on"}


def _clean(data: dict, loan_type: str, errors: dict) -> dict:
    cleaned: dict = {"loan_type": loan_type}
    if loan_type == rules.ENTERPRISE:
        cleaned["group_code"] = rules.ENTERPRISE_GROUP
    else:
        group = str(data.get("group_code", "")).strip()
        if group not in rules.GROUP_LABELS:
            errors["group_code"] = [_("Choose the group the applicant belongs to.")]
        cleaned["group_code"] = group
    cleaned["amount"] = _decimal(errors, data, "amount")
    cleaned["term_months"] = _int(errors, data, "term_months", minimum=1, maximum=TERM_MONTHS_MAX)
    bank = CooperatingBank.objects.filter(code=str(data.get("bank", "")).strip(), active=True).first()
    if bank is None:
        errors["bank"] = [_("Choose a cooperating bank.")]
    cleaned["bank"] = bank
    for field, limit in TEXT_FIELDS.items():
        text = str(data.get(field, "") or "").strip()
        if not text or len(text) > limit:
            errors[field] = [_("Required, at most %(n)d characters.") % {"n": limit}]
        cleaned[field] = text
    cleaned["business_started_on"] = _date(errors, data, "business_started_on")
    cleaned["online_merchant"] = _flag(data, "online_merchant")
    cleaned["partners"] = (_int(errors, data, "partners", minimum=2, maximum=50)
                           if loan_type == rules.PARTNERSHIP else 1)
    if loan_type == rules.ENTERPRISE:
        cleaned["current_staff"] = _int(errors, data, "current_staff", minimum=1, maximum=1_000_000)
        cleaned["new_hires"] = _int(errors, data, "new_hires", minimum=0, maximum=1_000_000)
    cleaned["earlier_loans"] = _int(errors, data, "earlier_loans", minimum=0, maximum=20, required=False) or 0
    cleaned["earlier_overdue"] = _flag(data, "earlier_overdue")
    for flag in ("recommended_by_incubator", "honoured", "credit_rated"):
        cleaned[flag] = _flag(data, flag)
    return cleaned


def _guarantor(data: dict, errors: dict, actor):
    id_number = str(data.get("guarantor_id_number", "") or "").strip()
    if not id_number:
        return None
    try:
        return person_get_or_create(id_number=id_number, name=str(data.get("guarantor_name", "")), actor=actor)
    except ValidationError as exc:
        errors["guarantor_id_number"] = exc.messages
        return None


def _in_scope(actor, region) -> bool:
    if actor.scope == actor.Scope.WHOLE_CITY:
        return True
    if actor.scope == actor.Scope.CITY_LEVEL:
        return region.pk == CITY_CODE
    if actor.scope == actor.Scope.DISTRICT and actor.scope_region_id:
        return region.pk.startswith(actor.scope_region_id[:6])
    return False


def loan_applicant_find(*, loan_type: str, actor, id_number: str = "", credit_code: str = "", name: str = "",
                        region: Region | None = None):
    """The person (by ID number) or enterprise (by credit code) a counter clerk files a loan application for,
    registered now if new and the clerk may register them. A name that differs from the registered one is
    refused, so a typo in the number does not file for somebody else."""
    if loan_type not in KIND_BY_TYPE:
        raise ApplicationError(_("Unknown loan type."), code="loan_type")
    if actor is None or actor.is_applicant or not actor.has_perm("casework.file_case_for_other"):
        raise ForbiddenError(_("You may not file loan applications for applicants."))
    name = (name or "").strip()
    try:
        if loan_type != rules.ENTERPRISE:
            if not str(id_number or "").strip():
                raise ValidationError({"id_number": [_("Give the applicant's ID number.")]})
            found = person_find(id_number=id_number)
            if found is None:
                if not actor.has_perm("registry.add_person"):
                    raise ApplicationError(_("No one with this ID number is registered."), code="applicant_unknown")
                if not name:
                    raise ValidationError({"name": [_("Give the applicant's name to register them.")]})
                return person_get_or_create(id_number=id_number, name=name, actor=actor, region=region)
        else:
            if not str(credit_code or "").strip():
                raise ValidationError({"credit_code": [_("Give the enterprise's unified social credit code.")]})
            found = Enterprise.objects.filter(credit_code=parse_credit_code(credit_code).code).first()
            if found is None:
                if not actor.has_perm("registry.add_enterprise"):
                    raise ApplicationError(_("No enterprise with this credit code is registered."),
                                           code="applicant_unknown")
                return enterprise_get_or_create(credit_code=credit_code, name=name, actor=actor, region=region)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"credit_code" if loan_type == rules.ENTERPRISE else "id_number": exc.messages}) from exc
    if name and found.name != name:
        raise ApplicationError(_("The name given differs from the registered name: check the document."),
                               code="applicant_name_mismatch")
    return found


@transaction.atomic
def loan_application_file(*, actor, loan_type: str, data: dict, submit: bool = False, applicant=None,
                          region: Region | None = None) -> Case:
    """A loan application by the signed-in applicant (their person, or their enterprise for a firm's loan), or
    by a counter clerk for a walk-in `applicant` (a Person or Enterprise from `loan_applicant_find`): the case
    is then the applicant's (they see it under My loans) and records the clerk as the one who filed it.
    Bad input raises ValidationError with every field's message and changes nothing."""
    if loan_type not in KIND_BY_TYPE:
        raise ApplicationError(_("Unknown loan type."), code="loan_type")
    if actor is None or not actor.is_authenticated:
        raise ForbiddenError(_("Only an applicant signed in with their own account can apply for a loan here."))
    walk_in = not actor.is_applicant
    if walk_in:
        if not actor.has_perm("casework.file_case_for_other"):
            raise ForbiddenError(_("You may not file loan applications for applicants."))
        if applicant is None:
            raise ApplicationError(_("Name the applicant you file for."), code="applicant_required")
        is_person = isinstance(applicant, Person)
        if is_person == (loan_type == rules.ENTERPRISE):
            raise ApplicationError(_("This loan is applied for by a different kind of applicant."),
                                   code="applicant_type")
        person, enterprise = (applicant, None) if is_person else (None, applicant)
        region = region or applicant.region
        if region is None:
            raise ValidationError({"region": [_("Choose the district where the application is handled.")]})
        if not _in_scope(actor, region):
            raise ForbiddenError(_("The applicant's district is outside your area."))
    else:
        person = actor.person if loan_type != rules.ENTERPRISE else None
        enterprise = actor.enterprise if loan_type == rules.ENTERPRISE else None
        region = None
        if (person or enterprise) is None:
            raise ForbiddenError(_("This loan is applied for by a different kind of applicant."))
    errors: dict = {}
    cleaned = _clean(data, loan_type, errors)
    guarantor = _guarantor(data, errors, actor)
    if guarantor is not None and person is not None and guarantor.pk == person.pk:
        errors["guarantor_id_number"] = [_("The guarantor cannot be the borrower.")]
    if errors:
        raise ValidationError(errors)
    # One open application per applicant and kind: period_start is the day filed.
    details = {"loan_type": loan_type}
    if walk_in:
        details["filed_at_counter"] = True
    case = case_create_draft(kind=KIND_BY_TYPE[loan_type], actor=actor, applicant_person=person,
                             applicant_enterprise=enterprise, region=region, period_start=timezone.localdate(),
                             details=details)
    LoanApplication.objects.create(case=case, guarantor=guarantor, **cleaned)
    _counter_guarantee_update(case)
    audit_details = {"loan_type": loan_type, "amount": str(cleaned["amount"]), "bank": cleaned["bank"].code}
    if walk_in:
        audit_details.update(walk_in=True, applicant=f"{'person' if person else 'enterprise'}:"
                                                     f"{(person or enterprise).pk}", region=case.region_id)
    audit_log(actor=actor, event_type="entrepreneurship.application.file", obj=case, details=audit_details)
    if submit:
        case = case_submit(case=case, actor=actor)
    return case


def _counter_guarantee_update(case: Case) -> None:
    _findings, decision, _cap = application_assess(case)
    if decision is not None:
        LoanApplication.objects.filter(pk=case.pk).update(
            counter_guarantee_required=decision.required, counter_guarantee_explanation=decision.explanation)


def application_transition_effects(*, cases, action: str, actor) -> None:
    """casework's on_transition for the loan kinds (inside the move's transaction)."""
    for case in cases:
        if action in ("submit", "resubmit"):
            _counter_guarantee_update(Case.objects.get(pk=case.pk))
        elif action == "approve":
            _loan_open(case=Case.objects.get(pk=case.pk), actor=actor)


def _loan_open(*, case: Case, actor) -> Loan:
    application = application_of(case)
    if application is None:
        raise ApplicationError(_("The application's details are missing."), code="details_missing")
    findings, decision, _cap = application_assess(case)
    if findings:
        raise ApplicationError(_("This application cannot be approved: %(findings)s")
                               % {"findings": " ".join(findings)}, code="not_eligible")
    applicant = case.applicant_person or case.applicant_enterprise
    loan = Loan.objects.create(
        ref=case.ref, application=application, loan_type=application.loan_type, group_code=application.group_code,
        person=case.applicant_person, enterprise=case.applicant_enterprise, borrower_name=applicant.name,
        region=case.region, bank=application.bank, guarantor=application.guarantor,
        approved_amount=application.amount, counter_guarantee_required=decision.required,
    )
    LoanEvent.objects.create(loan=loan, action="open", from_status=LoanStatus.DUE_DILIGENCE,
                             to_status=LoanStatus.DUE_DILIGENCE, actor=actor)
    audit_log(actor=actor, event_type="entrepreneurship.loan.open", obj=loan,
              details={"bank": loan.bank.code, "amount": str(loan.approved_amount)})
    return loan
