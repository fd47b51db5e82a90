"""The loan reports, registered with `reports` (streamed .xlsx via Celery, formulas neutralised):

- the loan register: every loan the user may see, with its contract and rates;
- loan statistics by bank, district, eligible group or contract month: loans, amount, outstanding principal,
  overdue loans (the overdue rate is overdue ÷ loans), guarantee payouts and recoveries;
- the quarterly interest subsidy per loan, from the banks' confirmed files: the claim to finance in detail;
- the report's headline per year: Guangyuan's loans and amount and its rank among the province's cities
  (services/figures.py), for every year with cities' figures entered.

Every queryset starts from `loan_scope` (a bank's staff their bank's loans, others their area).
"""

from django import forms
from django.db.models import CharField, Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entrepreneurship import rules
from entrepreneurship.models import (
    CityLoanFigure,
    CooperatingBank,
    Loan,
    LoanStatus,
    LoanType,
    SubsidyUpload,
    SubsidyUploadRow,
)
from entrepreneurship.selectors import DEFAULT_STATUSES, loan_scope
from entrepreneurship.services import figures
from guangyuan_jobs.registry.selectors import city_region_names
from guangyuan_jobs.reports.registry import (
    DATE,
    MONEY,
    NUMBER,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(0, output_field=MONEY_FIELD)


def _year_choices():
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - 10, -1)]


def _status_labels():
    return dict(LoanStatus.choices)


def _type_labels():
    return dict(LoanType.choices)


def _group_labels():
    return {**rules.GROUP_LABELS, rules.ENTERPRISE_GROUP: LoanType.ENTERPRISE.label}


def _bank_labels():
    return dict(CooperatingBank.objects.values_list("code", "name"))


def _region_labels():
    return city_region_names()


class LoanFilterForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Contract year"), coerce=int, required=False)
    bank = forms.ChoiceField(label=_("Bank"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *_year_choices()]
        self.fields["bank"].choices = [("", _("All banks")), *CooperatingBank.objects.values_list("code", "name")]
        self.fields["status"].choices = [("", _("All")), *LoanStatus.choices]


def _loans(user, filters: dict) -> QuerySet[Loan]:
    loans = loan_scope(Loan.objects.all(), user=user)
    if filters.get("year"):
        loans = loans.filter(contract_date__year=int(filters["year"]))
    if filters.get("bank"):
        loans = loans.filter(bank__code=filters["bank"])
    if filters.get("status"):
        loans = loans.filter(status=filters["status"])
    return loans


register_report(ReportDefinition(
    code="entrepreneurship_loan_register",
    label=_("Guaranteed loan register"),
    description=_("Every guaranteed loan you may see, with its contract, rates and balance."),
    permission="entrepreneurship.view_loan",
    filter_form=LoanFilterForm,
    queryset=lambda user, filters: _loans(user, filters).order_by("contract_date", "ref"),
    columns=(
        Column(_("Reference"), "ref", width=22),
        Column(_("Borrower"), "borrower_name", width=24),
        Column(_("Loan type"), "loan_type", labels=_type_labels),
        Column(_("Eligible group"), "group_code", width=24, labels=_group_labels),
        Column(_("Bank"), "bank__name", width=20),
        Column(_("District"), "region__name", width=12),
        Column(_("Status"), "status", labels=_status_labels),
        Column(_("Approved amount"), "approved_amount", kind=MONEY),
        Column(_("Contract number"), "contract_no", width=18),
        Column(_("Contract date"), "contract_date", kind=DATE),
        Column(_("Principal"), "principal", kind=MONEY),
        Column(_("Annual rate (%)"), "annual_rate", kind=NUMBER),
        Column(_("1-year LPR on the contract date (%)"), "lpr_on_contract", kind=NUMBER),
        Column(_("Subsidised rate (%)"), "subsidy_rate", kind=NUMBER),
        Column(_("Maturity"), "maturity_date", kind=DATE),
        Column(_("Outstanding principal"), "outstanding", kind=MONEY),
        Column(_("Guarantee payout"), "payout_amount", kind=MONEY),
        Column(_("Recovered"), "recovered_amount", kind=MONEY),
    ),
))


BY_BANK, BY_DISTRICT, BY_GROUP, BY_MONTH = "bank", "district", "group", "month"


class LoanStatisticsFilterForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Contract year"), coerce=int)
    by = forms.ChoiceField(label=_("By"), choices=[(BY_BANK, _("Bank")), (BY_DISTRICT, _("District")),
                                                   (BY_GROUP, _("Eligible group")), (BY_MONTH, _("Month"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()


def loan_statistics_queryset(user, filters: dict) -> QuerySet:
    loans = _loans(user, {"year": filters["year"]}).exclude(disbursed_on__isnull=True)
    by = filters.get("by") or BY_BANK
    if by == BY_MONTH:
        loans = loans.annotate(key=TruncMonth("contract_date"))
    elif by == BY_DISTRICT:
        loans = loans.annotate(key=Substr("region_id", 1, 6, output_field=CharField()))
    elif by == BY_GROUP:
        loans = loans.annotate(key=Coalesce("group_code", Value(""), output_field=CharField()))
    else:
        loans = loans.annotate(key=Coalesce("bank__code", Value(""), output_field=CharField()))
    return (loans.values("key")
            .annotate(loans=Count("id"), amount=Coalesce(Sum("principal"), ZERO, output_field=MONEY_FIELD),
                      outstanding=Coalesce(Sum("outstanding"), ZERO, output_field=MONEY_FIELD),
                      overdue=Count("id", filter=Q(status__in=DEFAULT_STATUSES)),
                      payouts=Coalesce(Sum("payout_amount"), ZERO, output_field=MONEY_FIELD),
                      recovered=Coalesce(Sum("recovered_amount"), ZERO, output_field=MONEY_FIELD))
            .order_by("key"))


def _key_labels():
    return {**_bank_labels(), **_region_labels(), **_group_labels()}


def _overdue_rate(overdue, loans):
    return round(overdue * 100 / loans, 2) if loans else 0


register_report(ReportDefinition(
    code="entrepreneurship_loan_statistics",
    label=_("Guaranteed loans by bank, district, group or month"),
    description=_("Loans disbursed in the year: count, amount, outstanding principal, overdue rate, payouts."),
    permission="entrepreneurship.view_loan",
    filter_form=LoanStatisticsFilterForm,
    queryset=loan_statistics_queryset,
    columns=(
        Column(_("Bank, district, group or month"), "key", width=28, labels=_key_labels),
        Column(_("Loans"), "loans", kind=NUMBER),
        Column(_("Amount"), "amount", kind=MONEY),
        Column(_("Outstanding principal"), "outstanding", kind=MONEY),
        Column(_("Overdue loans"), "overdue", kind=NUMBER),
        Column(_("Overdue rate (%)"), _overdue_rate, kind=NUMBER, needs=("overdue", "loans")),
        Column(_("Guarantee payouts"), "payouts", kind=MONEY),
        Column(_("Recovered"), "recovered", kind=MONEY),
    ),
))


class SubsidyFilterForm(ReportFilterForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False,
                                     choices=[("", _("All quarters")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    bank = forms.ChoiceField(label=_("Bank"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["bank"].choices = [("", _("All banks")), *CooperatingBank.objects.values_list("code", "name")]


def subsidy_rows_queryset(user, filters: dict) -> QuerySet:
    rows = SubsidyUploadRow.objects.filter(upload__status=SubsidyUpload.Status.CONFIRMED, loan__isnull=False,
                                           loan__in=loan_scope(Loan.objects.all(), user=user),
                                           upload__year=int(filters["year"]))
    if filters.get("quarter"):
        rows = rows.filter(upload__quarter=int(filters["quarter"]))
    if filters.get("bank"):
        rows = rows.filter(upload__bank__code=filters["bank"])
    return rows.order_by("upload__quarter", "upload__bank__name", "contract_no")


register_report(ReportDefinition(
    code="entrepreneurship_subsidy_quarterly",
    label=_("Start-up loan interest subsidy per quarter"),
    description=_("Each loan's subsidy from the banks' confirmed quarterly files, with the bank's own figure."),
    permission="entrepreneurship.view_loan",
    filter_form=SubsidyFilterForm,
    queryset=subsidy_rows_queryset,
    columns=(
        Column(_("Year"), "upload__year", kind=NUMBER, width=8),
        Column(_("Quarter"), "upload__quarter", kind=NUMBER, width=8),
        Column(_("Bank"), "upload__bank__name", width=20),
        Column(_("Contract number"), "contract_no", width=18),
        Column(_("Reference"), "loan__ref", width=22),
        Column(_("Borrower"), "loan__borrower_name", width=24),
        Column(_("Subsidised rate (%)"), "loan__subsidy_rate", kind=NUMBER),
        Column(_("Subsidy"), "computed_subsidy", kind=MONEY),
        Column(_("Bank's subsidy"), "bank_subsidy", kind=MONEY),
        Column(_("How"), "explanation", width=60),
    ),
))


class HeadlineFilterForm(ReportFilterForm):
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=2009)


def headline_queryset(user, filters: dict) -> QuerySet:
    years = CityLoanFigure.objects.all()
    if filters.get("year_from"):
        years = years.filter(year__gte=filters["year_from"])
    return years.values("year").distinct().order_by("year")


def _headline_of(year):
    return figures.headline(year)


register_report(ReportDefinition(
    code="entrepreneurship_headline",
    label=_("Guaranteed loans: the year's headline and the rank in the province"),
    description=_("Guangyuan's loans and amount of each year with the province's cities' figures entered, and its "
                  "rank among them (by amount, then count)."),
    permission="entrepreneurship.view_cityloanfigure",
    filter_form=HeadlineFilterForm,
    queryset=headline_queryset,
    columns=(
        Column(_("Year"), "year", kind=NUMBER, width=8),
        Column(_("Loans"), lambda year: _headline_of(year).loans, kind=NUMBER, needs=("year",)),
        Column(_("Amount"), lambda year: _headline_of(year).amount, kind=MONEY, needs=("year",)),
        Column(_("Rank in the province"), lambda year: _headline_of(year).rank, kind=NUMBER, needs=("year",)),
        Column(_("Cities compared"), lambda year: _headline_of(year).cities, kind=NUMBER, needs=("year",)),
        Column(_("Source of Guangyuan's figure"),
               lambda year: gettext("loan register") if _headline_of(year).from_register else _headline_of(year).source,
               width=60, needs=("year",)),
    ),
))
