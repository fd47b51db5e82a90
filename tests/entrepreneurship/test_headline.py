"""The report's headline: our loans of a year, counted from the register, ranked among the province's cities
whose figures the Center's managers enter (audited); shown on the loan list for managers and exported."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from entrepreneurship.exports import headline_queryset
from entrepreneurship.models import CityLoanFigure
from entrepreneurship.services import figures
from entrepreneurship.services.figures import city_figure_record
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ForbiddenError
from guangyuan_jobs.reports.registry import get_report
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def enter(actor, year, city, loans, amount, source="四川省人社厅通报"):
    return city_figure_record(data={"year": str(year), "city": city, "loans": str(loans), "amount": str(amount),
                                    "source": source}, actor=actor)


def test_rank_from_the_register_and_the_entered_cities(crew):
    manager = make_user("manager")
    crew.disbursed_loan()  # 150,000.00 disbursed on 2025-06-15
    crew.disbursed_loan(contract_no="GY-2", principal="100000", amount="100000",
                        applicant=make_user("applicant_person"))
    assert figures.own_city_figures(2025) == (2, Decimal("250000.00"))
    assert figures.headline(2025).rank is None  # nobody to compare with
    enter(manager, 2025, "绵阳市", 3, "249999.99")
    enter(manager, 2025, "南充市", 1, "300000")
    line = figures.headline(2025)
    assert (line.loans, line.amount, line.rank, line.cities, line.from_register) == (
        2, Decimal("250000.00"), 2, 3, True)
    assert [(r.city, r.rank) for r in line.rows] == [("南充市", 1), ("广元市", 2), ("绵阳市", 3)]
    # The same amount and count share a rank; more loans for the same amount rank first.
    enter(manager, 2025, "南充", 2, "250000")  # corrects 南充市's figure (same city without 市)
    enter(manager, 2025, "绵阳市", 3, "250000")
    assert [(r.city, r.rank) for r in figures.headline(2025).rows] == [("绵阳市", 1), ("南充市", 2), ("广元市", 2)]
    assert CityLoanFigure.objects.filter(year=2025).count() == 2


def test_our_published_figure_stands_for_a_year_the_register_lacks():
    manager = make_user("manager")
    enter(manager, 2020, "广元市", 3444, "439000000", "2020 年工作总结")
    enter(manager, 2020, "南充市", 2986, "392000000")
    line = figures.headline(2020)
    assert (line.loans, line.amount, line.rank, line.cities) == (3444, Decimal("439000000.00"), 1, 2)
    assert line.source == "2020 年工作总结" and line.register_loans == 0 and not line.from_register
    assert figures.headline_year() == 2020


def test_entering_figures_is_checked_permitted_and_audited():
    manager = make_user("manager")
    with pytest.raises(ForbiddenError):
        enter(make_user("reviewer"), 2020, "南充市", 1, "1")
    with pytest.raises(ForbiddenError):
        enter(make_user("bank"), 2020, "南充市", 1, "1")
    with pytest.raises(ValidationError) as exc:
        city_figure_record(data={"year": "2008", "city": "", "loans": "-1", "amount": "1.001", "source": ""},
                           actor=manager)
    assert set(exc.value.message_dict) == {"year", "city", "loans", "amount", "source"}
    enter(make_user("policy"), 2020, "南充市", 2986, "392000000")
    enter(manager, 2020, "南充市", 2987, "392000000")
    events = AuditEvent.objects.filter(event_type="entrepreneurship.city_figure.record").order_by("id")
    assert events.count() == 2 and events.last().details["before"]["loans"] == 2986
    assert CityLoanFigure.objects.get().loans == 2987


def test_the_page_the_list_headline_and_the_report(crew):
    manager = make_user("manager")
    page = Client()
    page.force_login(manager)
    response = page.post("/entrepreneurship/figures/", {"year": "2020", "city": "广元市", "loans": "3444",
                                                         "amount": "439000000", "source": "2020 年工作总结"})
    assert response.status_code == 302
    page.post("/entrepreneurship/figures/", {"year": "2020", "city": "南充市", "loans": "2986",
                                             "amount": "392000000", "source": "通报"})
    listing = page.get("/entrepreneurship/").content.decode()
    assert 'data-testid="loan-headline-rank"' in listing and "3444" in listing
    assert 'data-testid="loan-headline"' not in _client(crew.applicant).get("/entrepreneurship/").content.decode()
    assert _client(crew.banker).get("/entrepreneurship/figures/").status_code == 403
    assert _client(crew.reviewer).post("/entrepreneurship/figures/", {}).status_code == 403
    report = get_report("entrepreneurship_headline")
    rows = list(headline_queryset(manager, {}).values_list("year", flat=True))
    assert rows == [2020]
    year, loans, amount, rank, cities = report.columns[:5]
    assert (loans.source(2020), amount.source(2020), rank.source(2020), cities.source(2020)) == (
        3444, Decimal("439000000.00"), 1, 2)


def _client(user):
    client = Client()
    client.force_login(user)
    return client
