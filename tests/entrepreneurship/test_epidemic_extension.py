"""The 2020 epidemic-policy extension (DOMAIN.md §5.2): a borrower hit by the epidemic may extend the loan by at
most a year and the interest subsidy continues over the extended period (`cddk.covid.extension_subsidised`,
in force 2020-02-11 to 2020-12-31 on the day the extension is granted); a normal extension gets none.

Worked by hand. Contract 2020-05-06, 100,000 yuan at 4.35 %, 6 months: maturity 2020-11-06. The 1-year LPR
on 2020-05-06 is 3.85 % (published 2020-04-20), so the borrower pays up to 3.85 - 1.50 = 2.35 % and the
subsidised rate is 4.35 - 2.35 = 2.00 %. ACT/360 on 100,000 yuan:
- epidemic extension to 2021-05-06: 2020 Q4 = 92 days -> 100,000 x 2 % x 92/360 = 511.111 -> 511.11;
  2021 Q1 = 90 days -> 500.00; 2021 Q2 = 1 April to 5 May, 35 days -> 194.444 -> 194.44; 2021 Q3 -> 0.
- normal extension to the same day: 2020 Q4 = 1 October to 5 November, 36 days -> 200.00; 2021 Q1 -> 0.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from entrepreneurship.services.subsidy import loan_quarter_subsidy
from tests.entrepreneurship.conftest import act
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


def loan_2020(crew, contract_no="GY-2020-1"):
    return crew.disbursed_loan(contract_date=D(2020, 5, 6), principal="100000", rate="4.35", term="6",
                               contract_no=contract_no, applicant=make_user("applicant_person"))


def subsidies(loan, quarters):
    return [loan_quarter_subsidy(loan, year=y, quarter=q).amount for y, q in quarters]


QUARTERS = ((2020, 4), (2021, 1), (2021, 2), (2021, 3))


def test_the_epidemic_extension_keeps_the_subsidy_and_a_normal_one_does_not(crew):
    covid = loan_2020(crew)
    assert (covid.subsidy_rate, covid.maturity_date, covid.subsidy_end) == (
        Decimal("2.0000"), D(2020, 11, 6), D(2020, 11, 6))
    covid = act(covid, "extend", crew.banker, comment="借款人感染新冠肺炎，按疫情政策展期", extended_to="2021-05-06",
                epidemic="true", granted_on="2020-10-15")
    assert covid.epidemic_extension and covid.subsidy_end == D(2021, 5, 6)
    assert covid.extension_granted_on == D(2020, 10, 15)
    assert subsidies(covid, QUARTERS) == [Decimal("511.11"), Decimal("500.00"), Decimal("194.44"), Decimal("0.00")]

    normal = loan_2020(crew, contract_no="GY-2020-2")
    normal = act(normal, "extend", crew.banker, comment="经营周转困难，申请展期", extended_to="2021-05-06",
                 granted_on="2020-10-15")
    assert not normal.epidemic_extension and normal.subsidy_end == D(2020, 11, 6)
    assert subsidies(normal, QUARTERS) == [Decimal("200.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")]

    page = Client()
    page.force_login(crew.banker)
    html = page.get(f"/entrepreneurship/loans/{covid.ref}/").content.decode()
    assert 'data-testid="loan-extension"' in html and "2021-05-06" in html and "2020-10-15" in html


def test_the_epidemic_extension_is_at_most_a_year_and_only_while_the_policy_runs(crew):
    loan = loan_2020(crew)
    with pytest.raises(ValidationError) as exc:  # one day beyond maturity + 1 year (2021-11-06)
        act(loan, "extend", crew.banker, comment="疫情展期", extended_to="2021-11-07", epidemic="true",
            granted_on="2020-10-15")
    assert "extended_to" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # granted after the policy's end
        act(loan, "extend", crew.banker, comment="疫情展期", extended_to="2021-05-06", epidemic="true",
            granted_on="2021-01-01")
    assert "epidemic" in exc.value.message_dict
    loan.refresh_from_db()
    assert loan.extended_to is None and loan.subsidy_end == D(2020, 11, 6)
    # Exactly a year is allowed; granted on the policy's last day.
    loan = act(loan, "extend", crew.banker, comment="疫情展期", extended_to="2021-11-06", epidemic="true",
               granted_on="2020-12-31")
    assert loan.subsidy_end == D(2021, 11, 6)


def test_an_extension_does_not_revive_a_subsidy_term_already_ended(crew):
    # A subsidy that had already ended before the maturity (here set to 2020-09-01, as a longer loan's subsidy
    # term would) stays ended: the extension continues a running subsidy, it does not start a new one.
    loan = loan_2020(crew)
    type(loan).objects.filter(pk=loan.pk).update(subsidy_end=D(2020, 9, 1))
    loan = act(loan, "extend", crew.banker, comment="疫情展期", extended_to="2021-05-06", epidemic="true",
               granted_on="2020-10-15")
    assert loan.subsidy_end == D(2020, 9, 1)
    assert subsidies(loan, QUARTERS[:1]) == [Decimal("0.00")]


def test_the_bank_grants_it_on_the_loan_page(crew):
    loan = loan_2020(crew)
    page = Client()
    page.force_login(crew.banker)
    assert 'name="epidemic"' in page.get(f"/entrepreneurship/loans/{loan.ref}/").content.decode()
    response = page.post(f"/entrepreneurship/loans/{loan.ref}/act/", {
        "action": "extend", "version": loan.version, "comment": "疫情展期", "extended_to": "2021-05-06",
        "epidemic": "true", "granted_on": "2020-10-15"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.epidemic_extension and loan.subsidy_end == D(2021, 5, 6)
    assert subsidies(loan, QUARTERS[2:3]) == [Decimal("194.44")]
