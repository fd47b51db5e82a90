"""Monthly returns (by the firm's account or a clerk), plausibility flags, and the warning rules evaluated when
a return is filed; warnings handled by managers with conditional moves and notes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from monitoring import services
from monitoring.models import MonthlyReturn, Warning, WarningRule
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2026, 3, 1)


def test_the_firm_files_its_own_return_online_and_sees_it(client, enrol):
    monitored = enrol(headcount=100)
    account = make_user("applicant_enterprise", enterprise=monitored.enterprise)
    client.force_login(account)
    page = client.get(reverse("monitoring:return_new"))
    assert page.status_code == 200 and "月报" in page.content.decode()
    response = client.post(reverse("monitoring:return_new"), {
        "period": "2026-03", "headcount": 98, "hires": 1, "reductions_resignation": 3,
        "reductions_economic_layoff": 0, "reductions_closure": 0, "reductions_suspension": 0,
        "reductions_contract_end": 0, "reductions_other": 0, "reduction_reason": "seasonal", "dispatched": 4,
        "hidden_unemployed": 0})
    assert response.status_code == 302
    filed = MonthlyReturn.objects.get(monitored=monitored)
    assert (filed.period, filed.reductions, filed.channel) == (MARCH, 3, "enterprise")
    assert filed.check_status == MonthlyReturn.Check.PLAUSIBLE
    assert AuditEvent.objects.filter(event_type="monitoring.return.file", actor=account).exists()
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "98" in detail.content.decode()


def test_another_firms_account_cannot_file_or_see_the_return(client, enrol, file_return):
    monitored, other = enrol(), enrol()
    file_return(monitored, MARCH, headcount=100)
    intruder = make_user("applicant_enterprise", enterprise=other.enterprise)
    with pytest.raises(ForbiddenError):
        services.monthly_return_file(monitored=monitored, period=D(2026, 4, 1), data={"headcount": 1},
                                     actor=intruder)
    client.force_login(intruder)
    url = reverse("monitoring:return_detail", args=[monitored.enterprise.credit_code, "2026-03"])
    assert client.get(url).status_code == 404


def test_a_month_is_filed_once_and_never_in_the_future(enrol, file_return):
    monitored = enrol()
    file_return(monitored, MARCH, headcount=100)
    with pytest.raises(ConflictError):
        file_return(monitored, MARCH, headcount=100)
    with pytest.raises(ApplicationError) as refused:
        file_return(monitored, D(2099, 1, 1), headcount=100)
    assert refused.value.code == "future_period"
    with pytest.raises(ApplicationError) as refused:
        services.monthly_return_file(monitored=monitored, period=D(2026, 4, 1),
                                     data={"headcount": 90, "reductions_other": 10}, actor=monitored.enrolled_by)
    assert refused.value.code == "reason_required"
    assert MonthlyReturn.objects.filter(monitored=monitored).count() == 1


def test_an_unbalanced_return_is_flagged_and_a_clerk_confirms_it_once(enrol, file_return, clerk, client):
    monitored = enrol(headcount=100)
    filed = file_return(monitored, MARCH, headcount=60)  # nobody left, yet 40 fewer
    assert filed.check_status == MonthlyReturn.Check.FLAGGED
    assert {f["code"] for f in filed.check_findings} == {"balance"}
    client.force_login(clerk)
    flagged = client.get(reverse("monitoring:return_list") + "?check_status=flagged").content.decode()
    assert monitored.enterprise.name in flagged
    url = reverse("monitoring:return_detail", args=[monitored.enterprise.credit_code, "2026-03"])
    assert client.post(url, {"note": "电话核实：40 人转为外包"}).status_code == 302
    filed.refresh_from_db()
    assert filed.check_status == MonthlyReturn.Check.CONFIRMED and filed.checked_by == clerk
    with pytest.raises(ConflictError):
        services.monthly_return_confirm(monthly_return=filed, note="again", actor=clerk)


@pytest.mark.parametrize(("laid_off", "warned"), [(19, False), (20, True)])
def test_statutory_warning_at_20_people(enrol, file_return, laid_off, warned):
    monitored = enrol(headcount=1000)
    file_return(monitored, MARCH, headcount=1000 - laid_off, economic_layoff=laid_off)
    found = Warning.objects.filter(rule__code="statutory-mass-layoff", monitored=monitored)
    assert found.exists() is warned
    if warned:
        warning = found.get()
        assert (warning.level, warning.value, warning.period) == ("orange", 20, MARCH)


@pytest.mark.parametrize(("laid_off", "warned"), [(9, False), (10, True)])
def test_statutory_warning_at_10_percent(enrol, file_return, laid_off, warned):
    monitored = enrol(headcount=100)
    file_return(monitored, MARCH, headcount=100 - laid_off, economic_layoff=laid_off)
    assert Warning.objects.filter(rule__code="statutory-mass-layoff", monitored=monitored).exists() is warned


def test_the_statutory_numbers_come_from_policy(enrol, file_return):
    from guangyuan_jobs.policy.models import PolicyParameter

    PolicyParameter.objects.filter(key="monitoring.mass_layoff.min_people").update(value=50)
    monitored = enrol(headcount=1000)
    file_return(monitored, MARCH, headcount=970, economic_layoff=30)
    assert not Warning.objects.filter(rule__code="statutory-mass-layoff").exists()


def test_single_firm_red_warning_at_200(enrol, file_return):
    small, big = enrol(headcount=5000), enrol(headcount=5000)
    file_return(small, MARCH, headcount=4801, economic_layoff=199)
    file_return(big, MARCH, headcount=4800, economic_layoff=200)
    assert list(Warning.objects.filter(rule__code="single-firm-200").values_list("monitored", "level")) == [
        (big.pk, "red")]


def test_regional_warning_when_five_firms_of_one_county_lay_off(enrol, file_return):
    firms = [enrol(region="510821", headcount=200) for _ in range(5)]
    elsewhere = enrol(region="510822", headcount=200)
    file_return(elsewhere, MARCH, headcount=140, economic_layoff=60)
    for monitored in firms[:4]:
        file_return(monitored, MARCH, headcount=140, economic_layoff=60)
    assert not Warning.objects.filter(rule__code="county-five-firms").exists()
    file_return(firms[4], MARCH, headcount=140, economic_layoff=60)
    warning = Warning.objects.get(rule__code="county-five-firms")
    assert (warning.subject_key, warning.region_id, warning.value, warning.level) == ("510821", "510821", 5, "red")
    assert warning.subject_label == "旺苍县"


def test_a_rule_over_several_months_adds_the_window_up(enrol, file_return):
    WarningRule.objects.create(code="quarter-15", name="季度减员 15 %", scope="enterprise",
                               metric="reduction_ratio", threshold="0.15", window_months=3, level="yellow")
    monitored = enrol(headcount=100)
    file_return(monitored, D(2026, 1, 1), headcount=95, resignation=5)
    file_return(monitored, D(2026, 2, 1), headcount=90, resignation=5)
    assert not Warning.objects.filter(rule__code="quarter-15").exists()
    file_return(monitored, MARCH, headcount=85, resignation=5)
    assert Warning.objects.get(rule__code="quarter-15").value == Decimal("0.15")


def test_manager_acknowledges_handles_and_closes_with_notes(enrol, file_return, client):
    monitored = enrol(headcount=100)
    file_return(monitored, MARCH, headcount=70, economic_layoff=30)
    warning = Warning.objects.get(rule__code="statutory-mass-layoff")
    manager = make_user("manager")
    client.force_login(manager)
    url = reverse("monitoring:warning_transition", args=[warning.ref])
    assert client.post(url, {"action": "acknowledge", "version": warning.version}).status_code == 302
    warning.refresh_from_db()
    response = client.post(url, {"action": "handle", "version": warning.version, "note": ""})
    assert response.status_code == 400 and "说明" in response.content.decode()
    assert client.post(url, {"action": "handle", "version": warning.version,
                             "note": "已约谈企业，落实稳岗措施"}).status_code == 302
    stale = warning.version
    warning.refresh_from_db()
    assert client.post(url, {"action": "close", "version": stale, "note": "重复点击"}).status_code == 409
    closed = client.post(url, {"action": "close", "version": warning.version, "note": "企业已恢复生产"})
    assert closed.status_code == 302
    warning.refresh_from_db()
    assert warning.status == Warning.Status.CLOSED and warning.closed_at is not None
    assert list(warning.events.values_list("action", flat=True)) == ["raise", "acknowledge", "handle", "close"]
    assert AuditEvent.objects.filter(event_type="monitoring.warning.close", actor=manager).count() == 1


def test_a_district_manager_sees_only_the_warnings_of_their_district(enrol, file_return, client):
    ours, theirs = enrol(region="510802", headcount=100), enrol(region="510821", headcount=100)
    file_return(ours, MARCH, headcount=70, economic_layoff=30)
    file_return(theirs, MARCH, headcount=70, economic_layoff=30)
    manager = make_user("manager", region_code="510802")
    client.force_login(manager)
    listing = client.get(reverse("monitoring:warning_list")).content.decode()
    assert ours.enterprise.name in listing and theirs.enterprise.name not in listing
    foreign = Warning.objects.get(monitored=theirs, rule__code="statutory-mass-layoff")
    assert client.get(reverse("monitoring:warning_detail", args=[foreign.ref])).status_code == 404
    with pytest.raises(NotFoundError):  # outside their area the warning does not exist for them
        services.warning_transition(warning=foreign, action="acknowledge", version=1, note="", actor=manager)
    assert Warning.objects.get(pk=foreign.pk).status == Warning.Status.OPEN


def test_the_stable_post_refund_claim_shows_the_firms_open_warning(enrol, file_return, client):
    from django.template import Context, Template

    monitored = enrol(headcount=100)
    file_return(monitored, MARCH, headcount=70, economic_layoff=30)
    reviewer = make_user("reviewer")
    html = Template("{% load monitoring_warnings %}{% enterprise_warnings firm user %}").render(
        Context({"firm": monitored.enterprise, "user": reviewer}))
    assert "预警" in html and "法定规模裁员" in html
    applicant = make_user("applicant_enterprise", enterprise=monitored.enterprise)
    assert "法定规模裁员" not in Template("{% load monitoring_warnings %}{% enterprise_warnings firm user %}").render(
        Context({"firm": monitored.enterprise, "user": applicant}))
