"""The demo loads twice without change; the reports and the dashboard figures count events, participants,
attendance and resulting loans as a manager expects, within the reader's area."""

import datetime
import io
from decimal import Decimal

import pytest

from entrepreneurship.demo import seed_demo as seed_loans
from monitoring.indicators import IndicatorQuery
from startup_events import indicators
from startup_events.demo import seed_demo
from startup_events.exports import awards_queryset, event_register_queryset, events_by_type_and_district
from startup_events.models import Award, Event, EventLoan, EventStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db
YEAR_2020 = IndicatorQuery(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))


@pytest.fixture
def demo():
    users = {"applicant": make_user("applicant_person"), "enterprise": make_user("applicant_enterprise"),
             "intake": make_user("intake"), "reviewer": make_user("reviewer"), "approver": make_user("approver"),
             "policy": make_user("policy"), "manager": make_user("manager"), "finance": make_user("finance"),
             "entry": make_user("entry"), "auditor": make_user("auditor")}
    out = io.StringIO()
    seed_loans(users=users, password="Demo-Password-2026!", stdout=out)
    seed_demo(users=users, password="Demo-Password-2026!", stdout=out)
    seed_demo(users=users, password="Demo-Password-2026!", stdout=out)
    return users


def test_demo_is_idempotent_and_tells_the_2020_story(demo):
    assert Event.objects.count() == 6 and "judge" in demo
    assert Event.objects.filter(status=EventStatus.OPEN).count() == 1
    contest = Event.objects.get(event_type="contest")
    assert contest.status == EventStatus.CLOSED and Award.objects.filter(event=contest).count() == 3
    link = EventLoan.objects.get()
    assert link.loan.person_id == demo["applicant"].person_id and link.event.held_on.year == 2026


def test_reports_and_indicators(demo):
    auditor = make_user("auditor")
    rows = list(events_by_type_and_district(auditor, {"year": 2020}))
    by_key = {(row["event_type"], row["district"]): row for row in rows}
    assert set(by_key) == {("contest", "510802"), ("salon", "510811"), ("fair", "510802"), ("matching", "510824")}
    contest = by_key[("contest", "510802")]
    assert (contest["events"], contest["participants_sum"], contest["attendance_sum"]) == (1, 4, 4)
    salon = by_key[("salon", "510811")]
    assert (salon["participants_sum"], salon["attendance_sum"]) == (2, 1)
    fair = by_key[("fair", "510802")]
    assert (fair["intentions_n_sum"], fair["intended_sum"]) == (1, Decimal("150000.00"))
    spring = list(events_by_type_and_district(auditor, {"year": 2026}))
    held_fair = next(row for row in spring if row["event_type"] == "fair")
    # The open winter fair is not counted twice: only the held spring fair has its loan.
    assert (held_fair["events"], held_fair["loans_n_sum"], held_fair["loans_amount_sum"]) == (2, 1,
                                                                                           Decimal("150000.00"))
    register = list(event_register_queryset(auditor, {"year": 2020, "event_type": "matching"}))
    assert len(register) == 1 and register[0]["participants"] == 1 and register[0]["region__name"]
    # A 苍溪 officer's reports hold 苍溪's events only.
    cangxi = make_user("policy", region_code="510824")
    assert [row["district"] for row in events_by_type_and_district(cangxi, {"year": 2020})] == ["510824"]
    awards = list(awards_queryset(auditor, {"year": 2020}))
    assert [a["level"] for a in awards] == ["first", "second", "third"] or len(awards) == 3
    assert sum(a["bonus"] for a in awards) == Decimal("35000.00")
    assert list(awards_queryset(cangxi, {"year": 2020})) == []

    assert indicators.events_held(YEAR_2020) == 4
    assert indicators.attendance(YEAR_2020) == 4 + 1 + 1 + 1
    assert indicators.events_held(IndicatorQuery(start=YEAR_2020.start, end=YEAR_2020.end, region="510824")) == 1
    year_2026 = IndicatorQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert indicators.resulting_loans_amount(year_2026) == Decimal("150000.00")
    assert indicators.resulting_loans_amount(YEAR_2020) == Decimal("0.00")


@pytest.mark.parametrize(("report", "rows"), [("startup_events_by_type_district", 4), ("startup_events_register", 4),
                                              ("startup_events_awards", 3)])
def test_each_report_exports_through_the_export_jobs(demo, report, rows, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from guangyuan_jobs.core.errors import ForbiddenError
    from guangyuan_jobs.reports.models import ExportJob
    from guangyuan_jobs.reports.services import export_start

    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(report=report, filters={"year": "2020"}, actor=make_user("manager"))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED, job.error
    assert job.rows_written == rows
    book = load_workbook(job.file.path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any("中国创翼" in str(c.value) for c in cells) or report == "startup_events_by_type_district"
    with pytest.raises(ForbiddenError):  # may export, but may not see events
        export_start(report=report, filters={"year": "2020"}, actor=make_user("finance"))
