"""Every case page says what happens next, who holds it and by when; each kind shows its promised time to a
decision beside the median of the last 90 days."""

import datetime

import pytest
from django.utils import timezone

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.selectors import decision_times
from tests.notices.conftest import case_at, move, new_case

pytestmark = pytest.mark.django_db


def _panel(client, case) -> str:
    page = client.get(f"/cases/{case.ref}/").content.decode()
    start = page.index('data-testid="next-step"')
    return page[start:page.index('data-testid="case-notices"', start)]


def test_the_applicant_is_told_to_supply_missing_materials_by_their_due_date(client, crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept_incomplete", crew.intake, data={"missing_materials": [{"code": "BANK",
                                                                                         "label": ""}]})
    due = case.missing_materials.get().due_date
    client.force_login(crew.applicant)
    panel = _panel(client, case)
    assert "请上传所缺材料" in panel and "您（申请人）" in panel and due.isoformat() in panel


def test_staff_see_who_holds_an_accepted_case_and_its_decision_date(client, crew):
    case = case_at("accepted", crew)
    client.force_login(crew.reviewer)
    panel = _panel(client, case)
    assert "广元市利州区就业创业促进中心 · 审核" in panel and case.due_date.isoformat() in panel


def test_an_overdue_case_says_so(client, crew):
    case = case_at("reviewed", crew)
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(crew.applicant)
    panel = _panel(client, case)
    assert "审批" in panel and "超期" in panel


def test_a_closed_case_says_nothing_more_happens(client, crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "reject", crew.intake, comment="不属于本市")
    client.force_login(crew.applicant)
    assert "不予受理" in _panel(client, case)


@pytest.mark.parametrize(("status", "missing", "public_notice", "payment", "holder"), [
    ("draft", 0, True, False, "applicant"), ("submitted", 0, True, False, "Intake"),
    ("returned", 0, True, False, "applicant"), ("accepted", 1, True, False, "applicant"),
    ("accepted", 0, True, False, "Review"), ("reviewed", 0, True, False, "Approval"),
    ("approved", 0, True, True, "Approval"), ("approved", 0, False, True, "Finance"),
    ("publicized", 0, True, True, "Finance"),
])
def test_next_step_holder_for_each_open_status(status, missing, public_notice, payment, holder):
    from django.utils import translation

    with translation.override("en"):
        step = rules.next_step(status=status, today=datetime.date(2026, 12, 1), decision_due=None,
                               material_due=None, open_missing=missing, public_notice=public_notice,
                               payment_pending=payment, unit="U", applicant_view=False)
    assert holder in step.holder and not step.closed


def test_decision_times_are_the_median_of_the_last_90_days(crew):
    today = timezone.localdate()
    cases = [case_at("reviewed", crew, applicant=_applicant()) for _ in range(4)]
    # Working days from acceptance to decision: 2, 4, 6 within the window; one decided 100 days ago.
    spans = [(3, 2), (6, 4), (9, 6)]
    for case, (days_ago, working_days) in zip(cases, spans, strict=False):
        accepted = _working_days_before(today - datetime.timedelta(days=days_ago), working_days)
        _decide(case, accepted=accepted, decided=today - datetime.timedelta(days=days_ago))
    _decide(cases[3], accepted=today - datetime.timedelta(days=130), decided=today - datetime.timedelta(days=100))
    times = decision_times("TEST", today=today)
    assert times.promised_days == 5 and times.cases == 3 and str(times.median_days) == "4.0"


def test_the_guide_shows_the_promised_limit_beside_the_actual_median(client):
    page = client.get("/subsidies/guides/SYBZJ/").content.decode()
    assert 'data-testid="decision-times"' in page and "个工作日" in page and "最近 90 天" in page
    assert client.get("/notices/time-limits/").status_code == 200


def _applicant():
    from tests.factories import make_user

    return make_user("applicant_person")


def _working_days_before(day: datetime.date, n: int) -> datetime.date:
    from guangyuan_jobs.policy.selectors import working_days_between

    start = day
    while working_days_between(start, day) < n:
        start -= datetime.timedelta(days=1)
    return start


def _decide(case, *, accepted: datetime.date, decided: datetime.date):
    def at(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    Case.objects.filter(pk=case.pk).update(status="approved", accepted_at=at(accepted), decided_at=at(decided))
