"""The subsidy reports on hand-built data: the figures, 市本级 apart from the counties, the user's scope, masking."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from guangyuan_jobs.casework.models import Case, Payment
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.services import export_start
from subsidies.exports import indicators_queryset, monthly_statistics_queryset
from subsidies.models import StablePostRefundDetail, SubsidyInstalment, UnemploymentSubsidyDetail
from subsidies.rules import months_add
from tests.factories import EnterpriseFactory, PersonFactory, make_user
from tests.subsidies.payments.test_instalments import MONTH, Crew, monthly_case, on, pay_batch

pytestmark = pytest.mark.django_db
_refs = itertools.count(1)
YEAR = 2025


def paid(kind, *, region, amount, month=3, person=None, enterprise=None, staff=None) -> Case:
    """A case paid in YEAR/month with its payment order, as the payment batch leaves it."""
    if person is None and enterprise is None:
        person = PersonFactory()
    at = datetime.datetime(YEAR, month, 15, 10, 0, tzinfo=timezone.get_default_timezone())
    case = Case.objects.create(ref=f"{kind}-{YEAR}-T{next(_refs):07d}", kind=kind, region_id=region, status="paid",
                               applicant_person=person, applicant_enterprise=enterprise, submitted_at=at,
                               decided_at=at, paid_at=at, requested_amount=Decimal(amount),
                               approved_amount=Decimal(amount))
    Payment.objects.create(case=case, amount=Decimal(amount), status="paid", paid_at=at)
    if kind == "WGFH":
        StablePostRefundDetail.objects.create(
            case=case, enterprise=enterprise, premium_year=YEAR - 1, size_class="sme", average_insured_staff=staff,
            new_ui_claimants=0, prior_year_premiums=Decimal(amount) * 2, contribution_months=24, channel="direct")
    if kind == "SYBZJ":
        UnemploymentSubsidyDetail.objects.create(case=case, person=person, category="not_eligible",
                                                 unemployed_since=datetime.date(YEAR, 1, 5), insured_months=10)
    return case


@pytest.fixture
def city_data(db):
    firm_city, firm_county = EnterpriseFactory(), EnterpriseFactory()
    paid("WGFH", region="510800", amount="100000.00", enterprise=firm_city, staff=120)
    paid("WGFH", region="510821", amount="30000.00", enterprise=firm_county, staff=25, month=4)
    person = PersonFactory()
    paid("SYBZJ", region="510800", amount="5100.00", person=person)
    paid("SYBZJ", region="510821", amount="4800.00")
    paid("SYBZJ", region="510821", amount="4800.00", month=4)
    paid("JNTS", region="510821", amount="1500.00")
    paid("JNTS", region="510800", amount="2000.00", person=person)
    paid("XNJY", region="510821", amount="2000.00", enterprise=firm_county)
    paid("CYBT", region="510800", amount="10000.00")
    # Not counted: paid another year, or not paid.
    other_year = paid("SYBZJ", region="510800", amount="999.00")
    Case.objects.filter(pk=other_year.pk).update(paid_at=other_year.paid_at.replace(year=YEAR - 1))
    Case.objects.create(ref=f"SYBZJ-{YEAR}-UNPAID", kind="SYBZJ", region_id="510800", status="approved",
                        applicant_person=PersonFactory(), approved_amount=Decimal("777.00"))


def by_area(rows):
    return {row["area"]: row for row in rows}


def test_indicators_per_district_with_the_city_level_apart(city_data):
    rows = by_area(indicators_queryset(make_user("manager"), {"year": YEAR}))
    assert list(rows) == ["510800", "510821", "999999"]
    city, county, total = rows["510800"], rows["510821"], rows["999999"]
    assert (city["firms_refunded"], city["refund_amount"], city["posts"]) == (1, Decimal("100000.00"), 120)
    assert (county["firms_refunded"], county["refund_amount"], county["posts"]) == (1, Decimal("30000.00"), 25)
    assert (total["firms_refunded"], total["refund_amount"], total["posts"]) == (2, Decimal("130000.00"), 145)
    assert (city["people_paid"], city["unemployment_amount"]) == (1, Decimal("5100.00"))
    assert (county["people_paid"], county["unemployment_amount"]) == (2, Decimal("9600.00"))
    assert (total["people_paid"], total["unemployment_amount"]) == (3, Decimal("14700.00"))
    assert (total["other_cases"], total["other_amount"]) == (2, Decimal("12000.00"))
    assert (total["skill_people"], total["skill_amount"]) == (2, Decimal("3500.00"))


def test_indicators_honour_the_scope(city_data):
    county_manager = make_user("manager", region_code="510821")
    rows = by_area(indicators_queryset(county_manager, {"year": YEAR}))
    assert list(rows) == ["510821", "999999"]
    assert rows["999999"]["refund_amount"] == Decimal("30000.00") and rows["999999"]["people_paid"] == 2
    city_level = make_user("manager", scope="city_level")
    assert list(by_area(indicators_queryset(city_level, {"year": YEAR}))) == ["510800", "999999"]


def test_monthly_statistics_by_district(city_data):
    rows = list(monthly_statistics_queryset(make_user("manager"), {"year": YEAR, "kind": "SYBZJ"}))
    figures = [(r["month"].month, r["district"], r["cases"], r["people"], r["amount"]) for r in rows]
    assert figures == [(3, "510800", 1, 1, Decimal("5100.00")), (3, "510821", 1, 1, Decimal("4800.00")),
                       (4, "510821", 1, 1, Decimal("4800.00"))]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_default_timezone())


def monthly_claim(*, region, amount, months, first) -> Case:
    """An approved 失业补助金 claim paid month by month, as the approval leaves it: the payment order pending for
    the whole amount, one scheduled instalment a month from `first`."""
    person = PersonFactory()
    case = Case.objects.create(ref=f"SYBZJ-{YEAR}-T{next(_refs):07d}", kind="SYBZJ", region_id=region,
                               status="publicized", applicant_person=person,
                               approved_amount=Decimal(amount) * months)
    Payment.objects.create(case=case, amount=case.approved_amount)
    UnemploymentSubsidyDetail.objects.create(case=case, person=person, category="not_eligible",
                                             unemployed_since=first, insured_months=10,
                                             monthly_amount=Decimal(amount), months=months)
    SubsidyInstalment.objects.bulk_create(
        SubsidyInstalment(case=case, month=months_add(first, i), amount=Decimal(amount)) for i in range(months))
    return case


def month_paid(case, month: datetime.date, on: datetime.date):
    """The bank paid one month in a payment batch on `on`."""
    SubsidyInstalment.objects.filter(case=case, month=month).update(status="paid", paid_at=_at(on))


def closed(case, on: datetime.date):
    """No month left to pay: the payment order, cut to the months paid, and the case are marked paid on `on`."""
    paid = sum(case.instalments.filter(status="paid").values_list("amount", flat=True))
    Payment.objects.filter(case=case).update(status="paid", paid_at=_at(on), amount=paid)
    Case.objects.filter(pk=case.pk).update(status="paid", paid_at=_at(on))


@pytest.fixture
def monthly_data(db):
    """A claim of three months in 利州区: February and March paid together on 10 March, April on 10 April, the
    case closed then; a one-off skill-upgrade subsidy paid in March in the same district."""
    claim = monthly_claim(region="510802", amount="848.00", months=3, first=datetime.date(YEAR, 2, 1))
    month_paid(claim, datetime.date(YEAR, 2, 1), datetime.date(YEAR, 3, 10))
    month_paid(claim, datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 10))
    paid("JNTS", region="510802", amount="1500.00", month=3)
    return claim


def test_monthly_statistics_count_a_monthly_subsidy_in_the_months_it_was_paid(monthly_data):
    manager = make_user("manager")
    march = [(3, "510802", "JNTS", 1, 1, Decimal("1500.00")), (3, "510802", "SYBZJ", 1, 1, Decimal("1696.00"))]

    def figures():
        return [(r["month"].month, r["district"], r["kind"], r["cases"], r["people"], r["amount"])
                for r in monthly_statistics_queryset(manager, {"year": YEAR})]

    assert figures() == march  # the claim not yet paid in full: its months paid count all the same
    month_paid(monthly_data, datetime.date(YEAR, 4, 1), datetime.date(YEAR, 4, 10))
    closed(monthly_data, datetime.date(YEAR, 4, 10))
    assert figures() == [*march, (4, "510802", "SYBZJ", 1, 1, Decimal("848.00"))]  # closing adds nothing


def test_indicators_count_a_monthly_subsidy_once_per_person_and_its_money_once(monthly_data):
    manager = make_user("manager")

    def lizhou():
        rows = by_area(indicators_queryset(manager, {"year": YEAR}))
        assert list(rows) == ["510802", "999999"] and rows["510802"] == rows["999999"] | {"area": "510802"}
        row = rows["510802"]
        return row["people_paid"], row["unemployment_amount"], row["skill_people"], row["skill_amount"]

    assert lizhou() == (1, Decimal("1696.00"), 1, Decimal("1500.00"))
    month_paid(monthly_data, datetime.date(YEAR, 4, 1), datetime.date(YEAR, 4, 10))
    closed(monthly_data, datetime.date(YEAR, 4, 10))
    assert lizhou() == (1, Decimal("2544.00"), 1, Decimal("1500.00"))


def test_the_payment_batches_leave_each_month_counted_once(monkeypatch, django_capture_on_commit_callbacks):
    """Through the real batches: the months paid count as soon as the bank pays them, and the case closed as
    paid with its payment order after the last month adds nothing."""
    crew, manager, year = Crew(), make_user("manager"), timezone.localdate().year
    case = monthly_case(crew)

    def sybzj():
        whole = by_area(indicators_queryset(manager, {"year": year}))["999999"]
        months = [(r["cases"], r["people"], r["amount"])
                  for r in monthly_statistics_queryset(manager, {"year": year, "kind": "SYBZJ"})]
        return whole["people_paid"], whole["unemployment_amount"], months

    on(monkeypatch, datetime.date(2020, 5, 20))
    pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert Payment.objects.get(case=case).status == "pending"
    assert sybzj() == (1, 2 * MONTH, [(1, 1, 2 * MONTH)])

    on(monkeypatch, datetime.date(2020, 12, 1))
    pay_batch(crew, capture=django_capture_on_commit_callbacks)
    assert Payment.objects.get(case=case).status == "paid"
    assert sybzj() == (1, 6 * MONTH, [(1, 1, 6 * MONTH)])


def _export(report, actor, django_capture_on_commit_callbacks, **filters):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(report=report, filters=filters, actor=actor)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED, job.error
    with default_storage.open(job.file.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert not [c.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for c in row
                if c.data_type == "f"]
    return rows[0], rows[1:]


def test_the_reports_export_with_labels_and_masks(city_data, django_capture_on_commit_callbacks):
    manager = make_user("manager")
    header, rows = _export("subsidy_indicators", manager, django_capture_on_commit_callbacks, year=str(YEAR))
    assert [row[0] for row in rows] == ["市本级", "旺苍县", "全市"]
    assert rows[-1][1:4] == (2, 130000, 145)

    header, rows = _export("subsidy_monthly_statistics", manager, django_capture_on_commit_callbacks,
                           year=str(YEAR), region="510800")
    assert {row[1] for row in rows} == {"市本级"}

    header, rows = _export("subsidy_register_sybzj", manager, django_capture_on_commit_callbacks)
    cases = Case.objects.filter(kind="SYBZJ")
    assert len(rows) == cases.count() == 5
    text = str(rows)
    for case in cases:
        assert case.applicant_person.id_number not in text
        assert case.applicant_person.id_number_masked in text
    assert "not_eligible" not in text  # the category is shown by its label
