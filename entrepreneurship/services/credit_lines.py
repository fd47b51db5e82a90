"""Collective credit lines (集体授信): a bank grants a line to a credit village, a park or a group; loans to
its members are drawn against it at disbursement, never beyond what remains (the line's row is locked while
a draw is checked, so two disbursements at once cannot overdraw it)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from entrepreneurship.models import CreditLine, CreditLineHolder, Loan, LoanStatus
from entrepreneurship.selectors import bank_of
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ForbiddenError
from guangyuan_jobs.registry.selectors import city_regions


def credit_line_drawn(line: CreditLine) -> Decimal:
    return (Loan.objects.filter(credit_line=line).exclude(status=LoanStatus.DECLINED)
            .aggregate(total=Sum("principal"))["total"] or Decimal("0.00"))


@transaction.atomic
def credit_line_create(*, data: dict, actor) -> CreditLine:
    """A line granted by the actor's own bank. Bad input raises ValidationError and changes nothing."""
    bank = bank_of(actor)
    if bank is None or not actor.has_perm("entrepreneurship.add_creditline"):
        raise ForbiddenError(_("Only a cooperating bank's staff grant collective credit lines."))
    errors: dict = {}
    code = str(data.get("code", "")).strip()
    name = str(data.get("name", "")).strip()
    if not code or len(code) > 32 or not code.replace("-", "").isalnum():
        errors["code"] = [_("Letters, digits and hyphens, at most 32.")]
    if not name or len(name) > 128:
        errors["name"] = [_("Required, at most %(n)d characters.") % {"n": 128}]
    holder = str(data.get("holder", ""))
    if holder not in CreditLineHolder.values:
        errors["holder"] = [_("Choose who holds the line.")]
    region = city_regions().filter(pk=str(data.get("region", ""))).first()
    if region is None:
        errors["region"] = [_("Choose a district of Guangyuan.")]
    try:
        amount = Decimal(str(data.get("amount", "")).strip())
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = [_("Enter an amount in yuan, more than zero, with at most 2 decimals.")]
        amount = None
    dates = {}
    for field in ("valid_from", "valid_to"):
        try:
            dates[field] = datetime.date.fromisoformat(str(data.get(field, "")).strip())
        except ValueError:
            errors[field] = [_("Enter a date as YYYY-MM-DD.")]
    if len(dates) == 2 and dates["valid_to"] < dates["valid_from"]:
        errors["valid_to"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            line = CreditLine.objects.create(code=code, name=name, holder=holder, region=region, bank=bank,
                                             amount=amount, created_by=actor, **dates)
    except IntegrityError as exc:
        raise ValidationError({"code": [_("This code is taken.")]}) from exc
    audit_log(actor=actor, event_type="entrepreneurship.credit_line.create", obj=line,
              details={"bank": bank.code, "amount": str(amount), "region": region.pk})
    return line


def credit_line_draw_check(*, loan: Loan, code: str, principal: Decimal, on: datetime.date) -> CreditLine:
    """The line a disbursement draws on, locked for the rest of the transaction; ValidationError when the line
    is not the loan's bank's, not in force, not for the loan's district, or has too little left."""
    line = CreditLine.objects.select_for_update().filter(code=code, bank_id=loan.bank_id).first()
    if line is None:
        raise ValidationError({"credit_line": [_("The bank has no credit line with this code.")]})
    if not line.valid_from <= on <= line.valid_to:
        raise ValidationError({"credit_line": [_("The credit line is not in force on the contract date.")]})
    if not loan.region_id.startswith(line.region_id[:6]):
        raise ValidationError({"credit_line": [_("The borrower is outside the credit line's district.")]})
    remaining = line.amount - credit_line_drawn(line)
    if principal > remaining:
        raise ValidationError({"credit_line": [_("Only %(amount)s yuan remain on the credit line.")
                                               % {"amount": remaining}]})
    return line
