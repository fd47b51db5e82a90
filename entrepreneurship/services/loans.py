"""A loan's life after the Center's approval: the bank's due diligence, the guarantee fund's approval, contract
and disbursement, repayments, settlement; or overdue, the guarantee payout (代偿) and recovery.

One guarded move, `loan_act`: it checks that the actor may take the action on this loan (its own bank, or the
guarantee fund in their area), that the loan is still in the status and version the actor saw (a conditional
UPDATE, so a double click or a retried request moves it once), records the timeline and the audit event in
the same transaction. The contract's rates and subsidy term are fixed at disbursement from the parameters in
force on the contract date.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurship import rules
from entrepreneurship.models import Loan, LoanEvent, LoanStatus, OverduePeriod, Recovery, Repayment
from entrepreneurship.selectors import loan_roles_for, loan_scope
from entrepreneurship.services.credit_lines import credit_line_draw_check
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_value

MONEY_MAX = Decimal("999999999999.99")
RATE_MAX = Decimal("36")
COMMENT_MAX = 2000


def _stale() -> ConflictError:
    return ConflictError(_("This loan changed since you opened it. Reload the page to see it as it is now."),
                         code="stale")


def _money(errors, data, field, *, required=True, allow_zero=False) -> Decimal | None:
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        errors[field] = [_("Enter an amount in yuan.")]
        return None
    low_ok = value >= 0 if allow_zero else value > 0
    if not value.is_finite() or not low_ok or value > MONEY_MAX or value != value.quantize(Decimal("0.01")):
        errors[field] = [_("Enter an amount in yuan, more than zero, with at most 2 decimals.")]
        return None
    return value


def _date(errors, data, field, *, not_before: datetime.date | None = None) -> datetime.date | None:
    raw = data.get(field)
    try:
        value = raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None
    if value > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]
        return None
    if not_before is not None and value < not_before:
        errors[field] = [_("The date cannot be before %(date)s.") % {"date": not_before}]
        return None
    return value


def _text(errors, data, field, *, max_length: int, required=True) -> str:
    text = str(data.get(field, "") or "").strip()
    if (required and not text) or len(text) > max_length:
        errors[field] = [_("Required, at most %(n)d characters.") % {"n": max_length}]
    return text


@transaction.atomic
def loan_act(*, loan: Loan, action: str, actor, version: int, comment: str = "", data: dict | None = None) -> Loan:
    """Take `action` on `loan`. NotFoundError outside the actor's view, ForbiddenError for the wrong actor,
    ConflictError when the loan moved since `version`, ValidationError for bad data (nothing changed)."""
    act = rules.LOAN_ACTIONS.get(action)
    if act is None:
        raise ApplicationError(_("Unknown action."), code="unknown_action")
    current = loan_scope(Loan.objects.filter(pk=loan.pk), user=actor).first()
    if current is None:
        raise NotFoundError()
    if act.by not in loan_roles_for(user=actor, loan=current):
        raise ForbiddenError(_("Only the loan's bank may do this.") if act.by == rules.BANK
                             else _("Only the guarantee fund may do this."))
    if current.version != version or current.status not in act.sources:
        raise _stale()
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX or (act.reason_required and len(comment) < 2):
        raise ValidationError({"comment": [_("State the reason (at most %(n)d characters).") % {"n": COMMENT_MAX}]})
    data = data or {}
    fields, details = _EFFECTS[act.code](current, data, actor)
    target = fields.pop("status", act.target) or current.status
    if act.reason_required:
        fields["decision_reason"] = comment
    updated = Loan.objects.filter(pk=current.pk, status=current.status, version=version).update(
        status=target, version=F("version") + 1, **fields)
    if updated != 1:
        raise _stale()
    LoanEvent.objects.create(loan=current, action=act.code, from_status=current.status, to_status=target,
                             actor=actor, comment=comment)
    after = Loan.objects.get(pk=current.pk)
    audit_log(actor=actor, event_type=f"entrepreneurship.loan.{act.code}", obj=after,
              details={"from": current.status, "to": target, "comment": comment, **details})
    return after


def _no_data(loan, data, actor):
    return {}, {}


def _disburse(loan: Loan, data: dict, actor):
    errors: dict = {}
    contract_no = _text(errors, data, "contract_no", max_length=64)
    contract_date = _date(errors, data, "contract_date")
    disbursed_on = _date(errors, data, "disbursed_on", not_before=contract_date) if contract_date else None
    principal = _money(errors, data, "principal")
    try:
        rate = Decimal(str(data.get("annual_rate", "")).strip())
        if not rate.is_finite() or rate <= 0 or rate > RATE_MAX or rate != rate.quantize(Decimal("0.0001")):
            raise InvalidOperation
    except InvalidOperation:
        errors["annual_rate"] = [_("Enter the annual rate in percent, e.g. 4.35.")]
        rate = None
    try:
        term = int(str(data.get("term_months", "")).strip())
    except ValueError:
        term = 0
    if not 1 <= term <= loan.application.term_months:
        errors["term_months"] = [_("The term is 1 to %(n)d months (as approved).") % {
            "n": loan.application.term_months}]
    if principal is not None and principal > loan.approved_amount:
        errors["principal"] = [_("The principal cannot exceed the approved %(amount)s yuan.") % {
            "amount": loan.approved_amount}]
    if errors:
        raise ValidationError(errors)
    region = loan.region_id
    lpr = policy_value(rules.LPR_KEY, on=contract_date, region=region)
    rates = rules.loan_rates(annual_rate=rate, lpr=lpr,
                             offset_bp=policy_value(rules.OFFSET_KEY, on=contract_date, region=region))
    maturity = rules.add_months(contract_date, term)
    term_years = policy_value(rules.SUBSIDY_TERM_KEYS[loan.loan_type], on=contract_date, region=region)
    fields = {
        "contract_no": contract_no, "contract_date": contract_date, "disbursed_on": disbursed_on,
        "principal": principal, "outstanding": principal, "annual_rate": rate, "lpr_on_contract": lpr,
        "borrower_rate": rates.borrower_rate, "subsidy_rate": rates.subsidy_rate, "term_months": term,
        "maturity_date": maturity,
        "subsidy_end": rules.subsidy_end_date(contract_date=contract_date, maturity=maturity, term_years=term_years),
    }
    if Loan.objects.filter(bank_id=loan.bank_id, contract_no=contract_no).exclude(pk=loan.pk).exists():
        raise ValidationError({"contract_no": [_("The bank already has a loan with this contract number.")]})
    line_code = str(data.get("credit_line", "") or "").strip()
    if line_code:
        fields["credit_line"] = credit_line_draw_check(loan=loan, code=line_code, principal=principal,
                                                       on=contract_date)
    return fields, {"credit_line": line_code, "contract_no": contract_no, "principal": str(principal),
                    "rate": str(rate), "lpr": str(lpr), "subsidy_rate": str(rates.subsidy_rate)}


def _repay(loan: Loan, data: dict, actor):
    errors: dict = {}
    paid_on = _date(errors, data, "paid_on", not_before=loan.disbursed_on)
    principal = _money(errors, data, "principal", allow_zero=True)
    interest = _money(errors, data, "interest", required=False, allow_zero=True) or Decimal("0.00")
    reference = _text(errors, data, "bank_reference", max_length=64)
    if principal is not None and principal > loan.outstanding:
        errors["principal"] = [_("More than the outstanding %(amount)s yuan.") % {"amount": loan.outstanding}]
    if errors:
        raise ValidationError(errors)
    if Repayment.objects.filter(loan=loan, bank_reference=reference).exists():
        raise ConflictError(_("This repayment (bank transaction %(ref)s) is already recorded.") % {"ref": reference},
                            code="duplicate_repayment")
    remaining = loan.outstanding - principal
    fields = {"outstanding": remaining}
    if remaining == 0:
        fields.update(status=LoanStatus.SETTLED, settled_on=paid_on)
        OverduePeriod.objects.filter(loan=loan, end__isnull=True).update(end=paid_on)
    try:
        with transaction.atomic():
            Repayment.objects.create(loan=loan, paid_on=paid_on, principal=principal, interest=interest,
                                     bank_reference=reference, recorded_by=actor)
    except IntegrityError as exc:
        raise ConflictError(_("This repayment is already recorded."), code="duplicate_repayment") from exc
    return fields, {"paid_on": paid_on.isoformat(), "principal": str(principal), "interest": str(interest),
                    "bank_reference": reference, "outstanding": str(remaining)}


def _mark_overdue(loan: Loan, data: dict, actor):
    errors: dict = {}
    since = _date(errors, data, "since", not_before=loan.disbursed_on)
    if since is not None and OverduePeriod.objects.filter(loan=loan).filter(Q(end__gt=since)).exists():
        errors["since"] = [_("The loan was already overdue on that day.")]
    if errors:
        raise ValidationError(errors)
    OverduePeriod.objects.create(loan=loan, start=since)
    return {}, {"since": since.isoformat()}


def _cure(loan: Loan, data: dict, actor):
    errors: dict = {}
    period = OverduePeriod.objects.filter(loan=loan, end__isnull=True).first()
    cured_on = _date(errors, data, "cured_on", not_before=period.start + datetime.timedelta(days=1) if period else None)
    if errors:
        raise ValidationError(errors)
    if period is not None:
        OverduePeriod.objects.filter(pk=period.pk).update(end=cured_on)
    return {}, {"cured_on": cured_on.isoformat()}


def _flag(data: dict, field: str) -> bool:
    return str(data.get(field, "") or "").strip().lower() in {"1", "true", "yes", "on"}


def _extend(loan: Loan, data: dict, actor):
    """A new maturity. A normal extension carries no subsidy for the extended period (the subsidy end stays
    where the contract put it, `cddk.interest.no_subsidy_if_extended`). One granted under the epidemic policy
    (`epidemic` set) may run at most `cddk.covid.extension_years_max` years beyond the current maturity, must be
    granted while that policy is in force, and, where `cddk.covid.extension_subsidised` is in force on the day
    it is granted, keeps the subsidy to the new maturity, provided the subsidy still ran at the old one (an
    extension does not revive a subsidy term that had already ended)."""
    errors: dict = {}
    raw = data.get("extended_to")
    try:
        extended_to = raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        extended_to = None
    current_maturity = loan.extended_to or loan.maturity_date
    if extended_to is None or extended_to <= current_maturity:
        errors["extended_to"] = [_("Enter a new maturity after %(date)s.") % {"date": current_maturity}]
    epidemic = _flag(data, "epidemic")
    granted_on = timezone.localdate()
    if data.get("granted_on") not in (None, ""):
        granted_on = _date(errors, data, "granted_on", not_before=loan.disbursed_on)
    region = loan.region_id
    subsidised = False
    if epidemic and granted_on is not None:
        try:
            years = policy_value(rules.COVID_EXTENSION_YEARS_KEY, on=granted_on, region=region)
        except PolicyParameterMissing:
            errors["epidemic"] = [_("No epidemic-policy extension can be granted on %(date)s.") % {
                "date": granted_on}]
        else:
            limit = rules.add_months(current_maturity, years * 12)
            if extended_to is not None and extended_to > limit and "extended_to" not in errors:
                errors["extended_to"] = [_("An epidemic-policy extension runs at most %(years)d year(s), to "
                                           "%(date)s.") % {"years": years, "date": limit}]
            try:
                subsidised = bool(policy_value(rules.COVID_EXTENSION_SUBSIDY_KEY, on=granted_on, region=region))
            except PolicyParameterMissing:
                subsidised = False
    if errors:
        raise ValidationError(errors)
    fields = {"extended_to": extended_to, "epidemic_extension": epidemic or loan.epidemic_extension,
              "extension_granted_on": granted_on}
    if epidemic and subsidised:
        if loan.subsidy_end >= current_maturity:
            fields["subsidy_end"] = extended_to
    elif not policy_value(rules.NO_SUBSIDY_EXTENDED_KEY, on=loan.contract_date, region=region):
        term_years = policy_value(rules.SUBSIDY_TERM_KEYS[loan.loan_type], on=loan.contract_date, region=region)
        fields["subsidy_end"] = rules.subsidy_end_date(contract_date=loan.contract_date, maturity=extended_to,
                                                       term_years=term_years)
    return fields, {"extended_to": extended_to.isoformat(), "epidemic": epidemic,
                    "granted_on": granted_on.isoformat(), "subsidy_end": str(fields.get("subsidy_end",
                                                                                        loan.subsidy_end))}


def _payout(loan: Loan, data: dict, actor):
    errors: dict = {}
    amount = _money(errors, data, "amount")
    paid_on = _date(errors, data, "paid_on", not_before=loan.disbursed_on)
    if amount is not None and amount > loan.outstanding * 2:
        # Principal and the interest owed; more than twice the principal outstanding is a typo.
        errors["amount"] = [_("The payout cannot be more than twice the outstanding principal.")]
    if errors:
        raise ValidationError(errors)
    return {"payout_amount": amount, "payout_on": paid_on}, {"amount": str(amount), "paid_on": paid_on.isoformat()}


def _recover(loan: Loan, data: dict, actor):
    errors: dict = {}
    amount = _money(errors, data, "amount")
    recovered_on = _date(errors, data, "recovered_on", not_before=loan.payout_on)
    note = _text(errors, data, "note", max_length=200, required=False)
    if errors:
        raise ValidationError(errors)
    Recovery.objects.create(loan=loan, amount=amount, recovered_on=recovered_on, note=note, recorded_by=actor)
    total = Recovery.objects.filter(loan=loan).aggregate(total=Sum("amount"))["total"]
    fields = {"recovered_amount": total}
    if total >= loan.payout_amount:
        fields["status"] = LoanStatus.RECOVERED
    return fields, {"amount": str(amount), "recovered_total": str(total)}


_EFFECTS = {
    "bank_approve": _no_data, "bank_decline": _no_data, "guarantee_approve": _no_data,
    "guarantee_decline": _no_data, "disburse": _disburse, "repay": _repay, "mark_overdue": _mark_overdue,
    "cure": _cure, "extend": _extend, "payout": _payout, "recover": _recover, "close_recovery": _no_data,
}
