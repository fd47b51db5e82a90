"""Reads of the entrepreneurship app, scoped to what the user may see.

Who sees which loans: a bank's staff (BankStaff) only their bank's loans, whatever else they hold; the
Center's and the guarantee fund's staff the loans of their area (accounts' scope_queryset); applicants their
own. One helper, `loan_scope`, does it for every list, detail, export and API.
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Q, QuerySet

from entrepreneurship import rules
from entrepreneurship.models import (
    CooperatingBank,
    Loan,
    LoanApplication,
    LoanStatus,
    SubsidyUpload,
)
from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.models import CLOSED_STATUSES, CaseStatus
from guangyuan_jobs.core.errors import NotFoundError

OPEN_LOAN_STATUSES = (LoanStatus.DUE_DILIGENCE, LoanStatus.GUARANTEE_REVIEW, LoanStatus.GUARANTEED,
                      LoanStatus.REPAYING, LoanStatus.OVERDUE, LoanStatus.PAID_OUT)
# Statuses in which a loan's borrower has (or had) defaulted.
DEFAULT_STATUSES = (LoanStatus.OVERDUE, LoanStatus.PAID_OUT, LoanStatus.RECOVERED)


def bank_of(user) -> CooperatingBank | None:
    """The bank a user works for, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.bank_staff.bank
    except ObjectDoesNotExist:
        return None


def loan_scope(queryset: QuerySet, *, user) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    bank = bank_of(user)
    if bank is not None:
        return queryset.filter(bank=bank)
    if not user.is_applicant and not user.has_perm("entrepreneurship.view_loan"):
        return queryset.none()
    return scope_queryset(queryset, user=user, region_field="region", person_field="person",
                          enterprise_field="enterprise")


def loan_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Loan]:
    filters = filters or {}
    qs = loan_scope(Loan.objects.select_related("bank", "region"), user=user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("bank"):
        qs = qs.filter(bank__code=filters["bank"])
    if filters.get("loan_type"):
        qs = qs.filter(loan_type=filters["loan_type"])
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=str(filters["region"])[:6])
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(ref__icontains=q) | Q(borrower_name__icontains=q) | Q(contract_no__icontains=q))
    if filters.get("contract_from"):
        qs = qs.filter(contract_date__gte=filters["contract_from"])
    if filters.get("contract_to"):
        qs = qs.filter(contract_date__lte=filters["contract_to"])
    return qs.order_by("-created_at", "-id")


def loan_get_for(*, user, ref: str) -> Loan:
    loan = loan_scope(Loan.objects.select_related("bank", "region", "application__case"), user=user).filter(
        ref=ref).first()
    if loan is None:
        raise NotFoundError()
    return loan


def loan_roles_for(*, user, loan: Loan) -> set[str]:
    """BANK when the user works for the loan's bank and may act for it; GUARANTEE for the fund's staff."""
    roles = set()
    if user.has_perm(rules.PERMISSIONS[rules.BANK]):
        bank = bank_of(user)
        if bank is not None and bank.pk == loan.bank_id:
            roles.add(rules.BANK)
    if user.has_perm(rules.PERMISSIONS[rules.GUARANTEE]) and bank_of(user) is None:
        roles.add(rules.GUARANTEE)
    return roles


def _borrower_loans(application: LoanApplication) -> QuerySet[Loan]:
    case = application.case
    if case.applicant_person_id:
        return Loan.objects.filter(person_id=case.applicant_person_id)
    return Loan.objects.filter(enterprise_id=case.applicant_enterprise_id)


def application_facts(application: LoanApplication, *, applied_on: datetime.date) -> rules.LoanFacts:
    """The application's facts with what the portal knows of the borrower's and guarantor's loans."""
    own = _borrower_loans(application).exclude(application=application)
    earlier_here = own.exclude(status=LoanStatus.DECLINED).count()
    overdue_here = own.filter(Q(status__in=DEFAULT_STATUSES) | Q(overdue_periods__isnull=False)).exists()
    guarantor_busy = guarantor_defaulted = False
    if application.guarantor_id:
        guaranteed = Loan.objects.filter(guarantor_id=application.guarantor_id).exclude(application=application)
        guarantor_busy = guaranteed.filter(status__in=OPEN_LOAN_STATUSES).exists()
        guarantor_defaulted = guaranteed.filter(Q(status__in=DEFAULT_STATUSES)
                                                | Q(overdue_periods__isnull=False)).exists()
        # Open applications not yet loans count too: one guarantor backs one open application at a time.
        guarantor_busy = guarantor_busy or LoanApplication.objects.filter(
            guarantor_id=application.guarantor_id, loan__isnull=True).exclude(pk=application.pk).exclude(
            case__status__in=(*CLOSED_STATUSES, CaseStatus.DRAFT)).exists()
    return rules.LoanFacts(
        loan_type=application.loan_type, amount=application.amount, term_months=application.term_months,
        group_code=application.group_code, applied_on=applied_on,
        business_started_on=application.business_started_on, online_merchant=application.online_merchant,
        partners=application.partners, current_staff=application.current_staff, new_hires=application.new_hires,
        earlier_loans=application.earlier_loans + earlier_here,
        earlier_overdue=application.earlier_overdue or overdue_here,
        guarantor_busy=guarantor_busy, guarantor_defaulted=guarantor_defaulted,
        recommended_by_incubator=application.recommended_by_incubator, honoured=application.honoured,
        credit_rated=application.credit_rated,
    )


def bank_choices() -> QuerySet[CooperatingBank]:
    return CooperatingBank.objects.filter(active=True).order_by("name")


def upload_list_for(*, user) -> QuerySet[SubsidyUpload]:
    qs = SubsidyUpload.objects.select_related("bank", "created_by")
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank)
    if user.has_perm("entrepreneurship.claim_subsidy") or user.has_perm("entrepreneurship.view_loan"):
        return qs
    return qs.none()


def upload_get_for(*, user, pk) -> SubsidyUpload:
    upload = upload_list_for(user=user).filter(pk=pk).first()
    if upload is None:
        raise NotFoundError()
    return upload


def credit_line_list_for(*, user, filters: Mapping | None = None) -> QuerySet:
    """Credit lines with what was drawn: a bank's staff their bank's lines, the Center's and the fund's all.
    Filters: bank (code), region (district prefix), holder, in_force_on (a date), q (code or name)."""
    from django.db.models import DecimalField, Sum, Value
    from django.db.models.functions import Coalesce

    from entrepreneurship.models import CreditLine

    filters = filters or {}
    qs = CreditLine.objects.select_related("bank", "region").annotate(
        drawn=Coalesce(Sum("loans__principal", filter=~Q(loans__status=LoanStatus.DECLINED)),
                       Value(0, output_field=DecimalField(max_digits=14, decimal_places=2)))
    ).annotate(remaining=F("amount") - F("drawn")).order_by("-valid_from", "name")
    if user is None or not user.is_authenticated or not user.is_active or user.is_applicant:
        return qs.none()
    bank = bank_of(user)
    if bank is not None:
        qs = qs.filter(bank=bank)
    elif not user.has_perm("entrepreneurship.view_creditline"):
        return qs.none()
    if filters.get("bank"):
        qs = qs.filter(bank__code=filters["bank"])
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=str(filters["region"])[:6])
    if filters.get("holder"):
        qs = qs.filter(holder=filters["holder"])
    if filters.get("in_force_on"):
        qs = qs.filter(valid_from__lte=filters["in_force_on"], valid_to__gte=filters["in_force_on"])
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


def credit_line_get_for(*, user, code: str):
    line = credit_line_list_for(user=user).filter(code=code).first()
    if line is None:
        raise NotFoundError()
    return line


def credit_line_loans_for(*, user, line) -> QuerySet[Loan]:
    """The loans drawn on a line that the user may see (the line's totals count them all)."""
    return loan_scope(Loan.objects.filter(credit_line=line).select_related("bank", "region"), user=user).order_by(
        "contract_date", "ref")


def applications_of(*, user) -> QuerySet:
    """An applicant's own loan applications (filed online or at the counter for them), newest first: shown
    under My loans while the Center has not approved them yet."""
    from entrepreneurship.kinds import LOAN_KIND_CODES
    from guangyuan_jobs.casework.models import Case

    if user is None or not user.is_authenticated or not user.is_applicant:
        return Case.objects.none()
    own = Q(pk__in=[])
    if user.person_id:
        own |= Q(applicant_person_id=user.person_id)
    if user.enterprise_id:
        own |= Q(applicant_enterprise_id=user.enterprise_id)
    return (Case.objects.filter(own, kind__in=LOAN_KIND_CODES).select_related("loan_application__bank", "created_by")
            .order_by("-created_at"))
