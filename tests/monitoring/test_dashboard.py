"""The managers' dashboard: each figure against hand-built records, the previous year beside it, the summary
rows kept current, drill-down to the records, the download, and the manager's area."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guangyuan_jobs.casework.models import Case, Payment
from guangyuan_jobs.registry.models import Region
from monitoring.summaries import View, figures_for, summaries_refresh_current
from subsidies.models import StablePostRefundDetail, SubsidyInstalment
from subsidies.rules import months_add
from tests.factories import EnterpriseFactory, PersonFactory, make_credit_code, make_user, region

pytestmark = pytest.mark.django_db
D = datetime.date
_refs = itertools.count(1)


def paid_case(kind, *, region_code, on, amount, person=None, enterprise=None, status="paid", staff=0):
    zone = timezone.get_default_timezone()
    when = datetime.datetime.combine(on, datetime.time(10), tzinfo=zone)
    if kind == "WGFH":
        enterprise = enterprise or EnterpriseFactory(credit_code=make_credit_code(region=region_code[:6]))
    else:
        person = person or PersonFactory()
    case = Case.objects.create(ref=f"T-{kind}-{next(_refs):06d}", kind=kind, applicant_person=person,
                               applicant_enterprise=enterprise, region=region(region_code), status=status,
                               submitted_at=when, paid_at=when if status == "paid" else None,
                               period_start=on, approved_amount=Decimal(amount))
    Payment.objects.create(case=case, amount=Decimal(amount), status="paid" if status == "paid" else "pending",
                           paid_at=when if status == "paid" else None)
    if kind == "WGFH":
        StablePostRefundDetail.objects.create(
            case=case, enterprise=enterprise, premium_year=on.year - 1, size_class="sme",
            average_insured_staff=staff, new_ui_claimants=0, prior_year_premiums=Decimal(amount) * 2,
            contribution_months=12, channel="application")
    return case


@pytest.fixture
def records(enrol, file_return):
    Region.objects.create(code="510821001", name="东河镇", level="township", parent_id="510821")
    paid_case("WGFH", region_code="510802", on=D(2026, 3, 5), amount="100000.00", staff=40)
    paid_case("WGFH", region_code="510821", on=D(2026, 4, 5), amount="50000.50", staff=20)
    paid_case("WGFH", region_code="510802", on=D(2025, 3, 5), amount="30000.00", staff=15)  # last year
    paid_case("WGFH", region_code="510802", on=D(2026, 3, 6), amount="99999.00", staff=99, status="approved")
    paid_case("SYBZJ", region_code="510800", on=D(2026, 2, 1), amount="5100.00")  # 市本级
    paid_case("SYBZJ", region_code="510802", on=D(2026, 2, 1), amount="5100.00")
    paid_case("SYBZJ", region_code="510821001", on=D(2026, 6, 1), amount="4200.00")  # a town of 旺苍
    paid_case("JNTS", region_code="510800", on=D(2026, 5, 1), amount="1500.00")
    paid_case("JNTS", region_code="510822", on=D(2026, 5, 1), amount="2000.00")
    paid_case("XNJY", region_code="510802", on=D(2026, 7, 1), amount="2000.00")
    paid_case("SBBT", region_code="510802", on=D(2026, 7, 1), amount="3000.00")
    overdue = paid_case("SYBZJ", region_code="510802", on=D(2026, 3, 1), amount="1.00", status="accepted")
    Case.objects.filter(pk=overdue.pk).update(due_date=D(2026, 3, 20))
    firm_a, firm_b = enrol(region="510802", headcount=100), enrol(region="510821", headcount=200)
    file_return(firm_a, D(2026, 10, 1), headcount=90, hires=0, economic_layoff=10)  # statutory: 10 %
    file_return(firm_b, D(2026, 10, 1), headcount=205, hires=10, resignation=5)
    file_return(firm_a, D(2026, 11, 1), headcount=92, hires=2)


def figure_map(view):
    return {f.indicator.code: (f.value, f.previous) for f in figures_for(view)}


def test_each_subsidy_figure_of_the_whole_city(records):
    figures = figure_map(View(2026, None, ""))
    assert figures["subsidies.wgfh_firms"] == (2, 1)
    assert figures["subsidies.wgfh_amount"] == (Decimal("150000.50"), Decimal("30000.00"))
    assert figures["subsidies.wgfh_posts"] == (60, 15)
    assert figures["subsidies.sybzj_people"][0] == 3
    assert figures["subsidies.sybzj_people_city_level"][0] == 1
    assert figures["subsidies.sybzj_amount"][0] == Decimal("14400.00")
    assert figures["subsidies.jnts_amount"][0] == Decimal("3500.00")
    assert figures["subsidies.jnts_amount_city_level"][0] == Decimal("1500.00")
    assert figures["subsidies.other_cases"][0] == 2
    assert figures["subsidies.other_amount"][0] == Decimal("5000.00")
    assert figures["casework.overdue"][0] == 1


def monthly_claim(*, region_code, amount, months, first):
    """An approved 失业补助金 claim paid month by month, as the approval leaves it: the payment order pending for
    the whole amount, one scheduled instalment a month from `first`."""
    case = Case.objects.create(ref=f"T-SYBZJ-{next(_refs):06d}", kind="SYBZJ", applicant_person=PersonFactory(),
                               region=region(region_code), status="publicized", period_start=first,
                               approved_amount=Decimal(amount) * months)
    Payment.objects.create(case=case, amount=case.approved_amount)
    SubsidyInstalment.objects.bulk_create(
        SubsidyInstalment(case=case, month=months_add(first, i), amount=Decimal(amount)) for i in range(months))
    return case


def _at(on):
    return datetime.datetime.combine(on, datetime.time(10), tzinfo=timezone.get_default_timezone())


def test_the_unemployment_subsidy_paid_month_by_month_counts_when_each_month_is_paid(db):
    claim = monthly_claim(region_code="510802", amount="848.00", months=4, first=D(2026, 1, 1))
    for month, on in ((D(2026, 1, 1), D(2026, 2, 10)), (D(2026, 2, 1), D(2026, 2, 10)),
                      (D(2026, 3, 1), D(2026, 3, 10))):
        SubsidyInstalment.objects.filter(case=claim, month=month).update(status="paid", paid_at=_at(on))
    # Re-employed: April stopped, and the case closed in April with its payment order cut to the months paid.
    SubsidyInstalment.objects.filter(case=claim, month=D(2026, 4, 1)).update(status="stopped")
    Payment.objects.filter(case=claim).update(status="paid", paid_at=_at(D(2026, 4, 5)), amount=Decimal("2544.00"))
    Case.objects.filter(pk=claim.pk).update(status="paid", paid_at=_at(D(2026, 4, 5)))
    paid_case("SYBZJ", region_code="510800", on=D(2026, 3, 15), amount="5100.00")  # paid whole, 市本级
    paid_case("JNTS", region_code="510802", on=D(2026, 3, 15), amount="1500.00")

    def sybzj(view):
        figures = figure_map(view)
        return (figures["subsidies.sybzj_people"][0], figures["subsidies.sybzj_amount"][0],
                figures["subsidies.sybzj_people_city_level"][0])

    assert sybzj(View(2026, 2, "")) == (1, Decimal("1696.00"), 0)  # two months paid together: one person
    assert sybzj(View(2026, 3, "")) == (2, Decimal("5948.00"), 1)
    assert sybzj(View(2026, 4, "")) == (0, Decimal("0.00"), 0)  # the closing pays nothing more
    assert sybzj(View(2026, None, "")) == (2, Decimal("7644.00"), 1)  # each person once in the year
    assert sybzj(View(2026, 3, "510802")) == (1, Decimal("848.00"), 0)
    march = figure_map(View(2026, 3, ""))
    assert march["subsidies.jnts_amount"][0] == Decimal("1500.00") and march["subsidies.jnts_people"][0] == 1


def test_each_monitoring_figure(records):
    figures = figure_map(View(2026, None, ""))
    assert figures["monitoring.firms"][0] == 2
    assert figures["monitoring.headcount"][0] == 92  # November: only firm A has reported
    assert figures["monitoring.reductions"][0] == 15
    assert figures["monitoring.hires"][0] == 12
    assert figures["monitoring.warnings_raised"][0] >= 1
    assert figures["monitoring.warnings_open"][0] == figures["monitoring.warnings_raised"][0]
    october = figure_map(View(2026, 10, ""))
    assert october["monitoring.headcount"][0] == 295
    # 岗位流失率: 15 reduced over the 300 employed before the month
    assert october["monitoring.job_loss_rate"][0] == Decimal("5.00")


def test_a_month_and_a_district(records):
    lizhou_march = figure_map(View(2026, 3, "510802"))
    assert lizhou_march["subsidies.wgfh_firms"] == (1, 1)
    assert lizhou_march["subsidies.wgfh_amount"] == (Decimal("100000.00"), Decimal("30000.00"))
    assert lizhou_march["subsidies.sybzj_people_city_level"] == (0, 0)  # a district has no city-level part
    wangcang = figure_map(View(2026, None, "510821"))
    assert wangcang["subsidies.sybzj_people"][0] == 1  # the town's case counts with its county
    city_level = figure_map(View(2026, None, "510800"))
    assert city_level["subsidies.sybzj_people"][0] == city_level["subsidies.sybzj_people_city_level"][0] == 1


def test_summary_rows_are_read_until_refreshed(records):
    view = View(2026, None, "")
    assert figure_map(view)["subsidies.wgfh_firms"][0] == 2
    paid_case("WGFH", region_code="510812", on=timezone.localdate(), amount="10.00", staff=1)
    assert figure_map(view)["subsidies.wgfh_firms"][0] == 2  # the stored figure
    summaries_refresh_current()
    assert figure_map(view)["subsidies.wgfh_firms"][0] == 3


def test_the_page_shows_figures_last_year_charts_and_links(client, records):
    client.force_login(make_user("manager"))
    response = client.get(reverse("monitoring:dashboard"), {"year": 2026, "region": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "稳岗返还" in html and "150,000.50" in html and "30,000.00" in html
    assert "vendor/echarts/echarts.min.js" in html and 'id="dashboard-data"' in html
    link = reverse("monitoring:case_records") + "?kind=WGFH&amp;status=paid&amp;start=2026-01-01"
    assert link in html


def test_drilldown_lists_exactly_the_records_behind_the_figure(client, records):
    client.force_login(make_user("manager"))
    response = client.get(reverse("monitoring:case_records"), {
        "kind": "WGFH", "status": "paid", "start": "2026-01-01", "end": "2026-12-31"})
    rows = response.content.decode().count(">T-WGFH-")
    assert response.status_code == 200 and rows == 2


def test_download_of_the_view(client, records):
    client.force_login(make_user("manager"))
    response = client.get(reverse("monitoring:dashboard"), {"year": 2026, "month": 3, "region": "510802",
                                                            "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows["稳岗返还企业数"][3:5] == (1, 1)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_district_manager_sees_only_their_district(client, records):
    client.force_login(make_user("manager", region_code="510821"))
    page = client.get(reverse("monitoring:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200 and "旺苍县" in html and "利州区" not in html
    assert client.get(reverse("monitoring:dashboard"), {"year": 2026, "region": "510802"}).status_code == 400
    assert client.get(reverse("monitoring:dashboard"), {"year": 2026, "region": ""}).status_code == 400
    records_page = client.get(reverse("monitoring:case_records"), {"kind": "WGFH", "status": "paid",
                                                                   "start": "2026-01-01"}).content.decode()
    assert records_page.count(">T-WGFH-") == 1  # only 旺苍's refund, whatever the link asks for


def test_applicants_and_roles_without_the_permission_get_no_dashboard(client, enrol):
    client.force_login(make_user("applicant_person"))
    assert client.get(reverse("monitoring:dashboard")).status_code == 403
    client.force_login(make_user("intake"))
    assert client.get(reverse("monitoring:dashboard")).status_code == 403


def test_the_refund_claim_page_shows_the_firms_open_warning_beside_its_eligibility(client, enrol, file_return):
    monitored = enrol(headcount=100)
    file_return(monitored, D(2026, 3, 1), headcount=70, economic_layoff=30)
    claim = paid_case("WGFH", region_code="510802", on=D(2026, 4, 1), amount="1000.00", staff=100,
                      enterprise=monitored.enterprise, status="accepted")
    client.force_login(make_user("reviewer"))
    panel = client.get(reverse("casework:case_detail", args=[claim.ref])).content.decode()
    why = panel[panel.index('data-testid="why-this-amount"'):]
    assert "该企业有未关闭的失业预警" in why and "法定规模裁员" in why


def test_the_unemployment_subsidy_drilldown_lists_the_claims_behind_the_month_with_what_was_paid_in_it(client, db):
    """The link under the figure lists the claims paid money that month, each with that month's amount, even
    while the claim is still being paid month by month (its case not yet closed)."""
    claim = monthly_claim(region_code="510802", amount="848.00", months=4, first=D(2026, 1, 1))
    for month, on in ((D(2026, 1, 1), D(2026, 2, 10)), (D(2026, 2, 1), D(2026, 2, 10)),
                      (D(2026, 3, 1), D(2026, 3, 10))):
        SubsidyInstalment.objects.filter(case=claim, month=month).update(status="paid", paid_at=_at(on))
    paid_case("SYBZJ", region_code="510800", on=D(2026, 3, 15), amount="5100.00")
    client.force_login(make_user("manager"))

    def listed(start, end):
        html = client.get(reverse("monitoring:case_records"), {"kind": "SYBZJ", "status": "paid", "start": start,
                                                               "end": end}).content.decode()
        return html.count(">T-SYBZJ-"), html

    count, html = listed("2026-02-01", "2026-02-28")
    assert count == 1 and "1696.00" in html  # January and February, paid together in February
    count, html = listed("2026-03-01", "2026-03-31")
    assert count == 2 and "848.00" in html and "5100.00" in html
    assert listed("2026-04-01", "2026-04-30")[0] == 0
    unbounded = client.get(reverse("monitoring:case_records"), {"kind": "SYBZJ", "status": "paid"})
    assert unbounded.status_code == 200 and unbounded.content.decode().count(">T-SYBZJ-") == 2
