"""The monthly statistical forms: the 21st-to-20th month, each figure against hand-built records, the balance
formulas, the refusal to file an unbalanced form, the filed .xlsx, and the area a user may see."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, Payment
from guangyuan_jobs.core.errors import ApplicationError
from priority_groups.models import EmploymentCertificate, EmploymentRegistration, GroupMembership
from stat_reports import selectors
from stat_reports.models import StatFormFiling
from stat_reports.rules import in_money_unit, statistical_month, statistical_year_start
from stat_reports.selectors import form_result
from stat_reports.services import stat_form_export
from subsidies.models import SubsidyInstalment
from subsidies.rules import months_add
from tests.factories import PersonFactory, make_user, region

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_statistical_month_runs_from_the_21st_to_the_20th():
    assert statistical_month(2026, 1, start_day=21) == (D(2025, 12, 21), D(2026, 1, 20))
    assert statistical_month(2026, 3, start_day=21) == (D(2026, 2, 21), D(2026, 3, 20))
    assert statistical_year_start(2026, start_day=21) == D(2025, 12, 21)


def test_money_is_in_ten_thousand_yuan_rounded_half_up():
    assert in_money_unit(Decimal("12345.67"), unit=10000, decimals=2) == Decimal("1.23")
    assert in_money_unit(Decimal("15000"), unit=10000, decimals=2) == Decimal("1.50")
    assert in_money_unit(Decimal("45"), unit=10000, decimals=2) == Decimal("0.00")
    assert in_money_unit(Decimal("50"), unit=10000, decimals=2) == Decimal("0.01")


def _certificate(person):
    return EmploymentCertificate.objects.get_or_create(
        person=person, defaults={"number": f"51080201{person.pk:010d}", "issued_on": D(2025, 1, 1)})[0]


def register(person, kind, on, *, ended=None, reason="", form="", area="510802"):
    if kind == "employment":
        form = form or "unit"
    return EmploymentRegistration.objects.create(
        person=person, kind=kind, form=form, region=region(area), registered_on=on, ended_on=ended,
        end_reason=reason, certificate=_certificate(person))


@pytest.fixture
def manager():
    return make_user("manager", username="kezhang")


def figures(form, *, user, year=2026, month=11, area=None):
    result = form_result(form, year=year, month=month, user=user, region=area)
    return result, {row: dict(cells) for row, cells in result.values.items()}


def test_new_urban_employment_counts_a_person_once_a_year(manager):
    twice, october, platform, hard = (PersonFactory() for _ in range(4))
    register(twice, "employment", D(2026, 10, 25), ended=D(2026, 11, 1), reason="left_job")
    register(twice, "employment", D(2026, 11, 10))  # the same person again this year: not counted again
    register(october, "employment", D(2026, 10, 20))  # the 20th closes October's form
    register(platform, "employment", D(2026, 11, 5), form="platform")
    GroupMembership.objects.create(person=hard, group_id="hard_to_employ", valid_from=D(2026, 1, 1),
                                   evidence="认定", source="caseworker")
    register(hard, "employment", D(2026, 11, 20))
    register(PersonFactory(), "employment", D(2026, 11, 21))  # December's form
    returner = PersonFactory()
    register(returner, "unemployment", D(2026, 9, 1), ended=D(2026, 11, 2), reason="employed")

    result, nov = figures("employment", user=manager)
    assert nov["new_urban"] == {"month": 3, "ytd": 4}
    assert nov["new_forms"] == {"month": 1, "ytd": 1}
    assert nov["hard_to_employ"] == {"month": 1, "ytd": 1}
    assert nov["reemployed"] == {"month": 1, "ytd": 1}
    assert result.balanced
    _, october_figures = figures("employment", user=manager, month=10)
    assert october_figures["new_urban"] == {"month": 1, "ytd": 1}


def test_registered_unemployment_balances_opening_added_removed_closing(manager):
    people = [PersonFactory() for _ in range(5)]
    register(people[0], "unemployment", D(2026, 9, 1))  # open throughout
    register(people[1], "unemployment", D(2026, 9, 1), ended=D(2026, 11, 3), reason="employed")
    register(people[2], "unemployment", D(2026, 10, 21))  # first day of November's form
    register(people[3], "unemployment", D(2026, 11, 1), ended=D(2026, 11, 15), reason="moved")
    register(people[4], "unemployment", D(2026, 11, 21))  # next month

    result, nov = figures("unemployment", user=manager)
    assert {row: cells["people"] for row, cells in nov.items()} == {
        "opening": 2, "added": 2, "removed": 2, "removed_employed": 1, "closing": 2}
    assert result.balanced
    _, december = figures("unemployment", user=manager, month=12)
    assert december["opening"]["people"] == nov["closing"]["people"]


def test_unemployed_graduates_balance_and_count_those_who_found_work(manager):
    stays, leaves, joins = (PersonFactory() for _ in range(3))
    for person, start, end in ((stays, D(2026, 7, 1), None), (leaves, D(2026, 7, 1), D(2026, 11, 9)),
                               (joins, D(2026, 11, 1), None)):
        GroupMembership.objects.create(person=person, group_id="graduate", valid_from=start, valid_to=end,
                                       evidence="教育部门名单", source="roster")
    register(leaves, "employment", D(2026, 11, 10))

    result, nov = figures("graduates", user=manager)
    assert {row: cells["people"] for row, cells in nov.items()} == {
        "opening": 2, "added": 1, "removed": 1, "removed_employed": 1, "closing": 2}
    assert result.balanced


def _paid(kind, amount, on, *, area="510802"):
    case = Case.objects.create(kind=kind, ref=f"{kind}-2026-{Case.objects.count():08d}", region=region(area),
                               status="paid", applicant_person=PersonFactory())
    return Payment.objects.create(case=case, amount=Decimal(amount), status=Payment.Status.PAID,
                                  paid_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))))


def test_spending_in_ten_thousand_yuan_adds_up_and_runs_through_the_year(manager):
    _paid("SYBZJ", "12345.67", D(2026, 11, 2))
    _paid("SYBZJ", "5000.00", D(2026, 11, 20))
    _paid("SYBZJ", "9999.99", D(2026, 10, 1))
    _paid("JNTS", "1500.00", D(2026, 11, 21))  # December's form
    result, nov = figures("spending", user=manager)
    assert nov["SYBZJ"] == {"count": 2, "amount": Decimal("1.73"), "ytd": Decimal("2.73")}
    assert nov["JNTS"] == {"count": 0, "amount": Decimal("0.00"), "ytd": Decimal("0.00")}
    assert nov["total"]["amount"] == Decimal("1.73")
    assert result.balanced


def _at(on):
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))


def _monthly_claim(amount, months, first, *, area="510802"):
    """An approved 失业补助金 claim paid month by month, as the approval leaves it: the payment order pending for
    the whole amount, one scheduled instalment a month from `first`."""
    case = Case.objects.create(kind="SYBZJ", ref=f"SYBZJ-2026-{Case.objects.count():08d}", region=region(area),
                               status="publicized", applicant_person=PersonFactory(),
                               approved_amount=Decimal(amount) * months)
    Payment.objects.create(case=case, amount=case.approved_amount)
    SubsidyInstalment.objects.bulk_create(
        SubsidyInstalment(case=case, month=months_add(first, i), amount=Decimal(amount))
        for i in range(months))
    return case


def _month_paid(case, month, on):
    """The bank paid one month in a payment batch on `on`."""
    SubsidyInstalment.objects.filter(case=case, month=month).update(status="paid", paid_at=_at(on))


def _closed(case, on):
    """No month left to pay: the payment order, cut to the months paid, and the case are marked paid on `on`."""
    paid = sum(case.instalments.filter(status="paid").values_list("amount", flat=True))
    Payment.objects.filter(case=case).update(status="paid", paid_at=_at(on), amount=paid)
    Case.objects.filter(pk=case.pk).update(status="paid", paid_at=_at(on))


def test_monthly_subsidy_counts_each_month_when_paid_and_its_closing_adds_nothing(manager):
    claim = _monthly_claim("1000.00", 4, D(2026, 9, 1))
    _month_paid(claim, D(2026, 9, 1), D(2026, 10, 10))  # October's form
    _month_paid(claim, D(2026, 10, 1), D(2026, 11, 5))  # November's form: two months, one claim paid
    _month_paid(claim, D(2026, 11, 1), D(2026, 11, 18))
    _paid("JNTS", "1500.00", D(2026, 11, 10))  # an ordinary one-off payment

    result, nov = figures("spending", user=manager)
    assert nov["SYBZJ"] == {"count": 1, "amount": Decimal("0.20"), "ytd": Decimal("0.30")}
    assert nov["JNTS"] == {"count": 1, "amount": Decimal("0.15"), "ytd": Decimal("0.15")}
    assert nov["total"] == {"count": 2, "amount": Decimal("0.35"), "ytd": Decimal("0.45")}
    assert result.balanced
    _, oct_ = figures("spending", user=manager, month=10)
    assert oct_["SYBZJ"] == {"count": 1, "amount": Decimal("0.10"), "ytd": Decimal("0.10")}

    # The last month is paid in December's form, and with it the payment order of the whole 4,000 yuan.
    _month_paid(claim, D(2026, 12, 1), D(2026, 12, 2))
    _closed(claim, D(2026, 12, 2))
    result, dec = figures("spending", user=manager, month=12)
    assert dec["SYBZJ"] == {"count": 1, "amount": Decimal("0.10"), "ytd": Decimal("0.40")}
    assert dec["total"] == {"count": 1, "amount": Decimal("0.10"), "ytd": Decimal("0.55")}
    assert result.balanced
    assert figures("spending", user=manager)[1] == nov  # November's form reads as it did


def test_a_monthly_subsidy_stopped_early_is_closed_later_without_counting_again(manager):
    claim = _monthly_claim("1000.00", 6, D(2026, 9, 1))
    _month_paid(claim, D(2026, 9, 1), D(2026, 10, 25))
    _month_paid(claim, D(2026, 10, 1), D(2026, 10, 25))
    SubsidyInstalment.objects.filter(case=claim, status="scheduled").update(status="stopped")  # re-employed
    _closed(claim, D(2026, 11, 22))  # closed with the months paid, in December's form

    _, nov = figures("spending", user=manager)
    assert nov["SYBZJ"] == {"count": 1, "amount": Decimal("0.20"), "ytd": Decimal("0.20")}
    _, dec = figures("spending", user=manager, month=12)
    assert dec["SYBZJ"] == {"count": 0, "amount": Decimal("0.00"), "ytd": Decimal("0.20")}


def test_a_form_that_does_not_balance_cannot_be_filed(manager, monkeypatch):
    real = selectors.COMPUTE["unemployment"]

    def off_by_one(period, *, user, region):
        values = real(period, user=user, region=region)
        values["closing"]["people"] += 1
        return values

    monkeypatch.setitem(selectors.COMPUTE, "unemployment", off_by_one)
    assert not form_result("unemployment", year=2026, month=11, user=manager, region=None).balanced
    with pytest.raises(ApplicationError, match="不平衡|does not balance"):
        stat_form_export(form="unemployment", year=2026, month=11, region=None, actor=manager)
    assert not StatFormFiling.objects.exists()


def test_the_filed_form_is_laid_out_recorded_and_audited(manager):
    register(PersonFactory(), "unemployment", D(2026, 11, 1))
    filing, content = stat_form_export(form="unemployment", year=2026, month=11, region=None, actor=manager)
    sheet, checks = load_workbook(io.BytesIO(content)).worksheets
    text = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "城镇登记失业人员情况（月报）" in text
    assert any("2026-10-21" in str(cell) and "2026-11-20" in str(cell) for cell in text)
    rows = {row[0]: row[2] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]}
    assert rows["本月新登记失业人数"] == 1
    assert all(row[1] == "是" for row in checks.iter_rows(min_row=2, values_only=True))
    assert filing.values["added"] == {"people": "1"}
    assert AuditEvent.objects.filter(event_type="stat_reports.form_exported", object_id=str(filing.pk)).exists()


def test_a_district_manager_sees_only_the_district(client):
    register(PersonFactory(), "unemployment", D(2026, 11, 1), area="510802")
    register(PersonFactory(), "unemployment", D(2026, 11, 1), area="510824")
    cangxi = make_user("manager", region_code="510824")
    _, nov = figures("unemployment", user=cangxi)
    assert nov["added"]["people"] == 1
    client.force_login(cangxi)
    assert client.get("/stat-reports/", {"form": "unemployment", "year": 2026, "month": 11,
                                         "region": "510802"}).context["result"] is None
    response = client.get("/api/v1/stat-reports/", {"form": "unemployment", "year": 2026, "month": 11,
                                                    "region": "510802"})
    assert response.status_code == 400
    response = client.get("/api/v1/stat-reports/", {"form": "unemployment", "year": 2026, "month": 11,
                                                    "region": "510824"})
    assert response.status_code == 200
    assert {row["row"]: row["values"]["people"] for row in response.json()["rows"]}["added"] == "1"


def test_applicants_and_caseworkers_cannot_produce_the_forms(client):
    for role in ("applicant_person", "reviewer"):
        client.force_login(make_user(role))
        assert client.get("/stat-reports/").status_code == 403
        assert client.get("/api/v1/stat-reports/", {"form": "spending", "year": 2026, "month": 11,
                                                    "region": "all"}).status_code == 403


def test_the_page_shows_the_figures_and_offers_the_export_when_balanced(client, manager):
    register(PersonFactory(), "unemployment", D(2026, 11, 1))
    client.force_login(manager)
    page = client.get("/stat-reports/", {"form": "unemployment", "year": 2026, "month": 11, "region": "all"})
    html = page.content.decode()
    assert "本月新登记失业人数" in html and 'data-testid="stat-form-download"' in html
    download = client.get("/stat-reports/download.xlsx", {"form": "unemployment", "year": 2026, "month": 11,
                                                          "region": "all"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
