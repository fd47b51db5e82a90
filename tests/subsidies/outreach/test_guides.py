"""The public service guide (办事指南): generated from the kind's registration and the parameters in force,
readable without login, never showing internal data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.policy.models import PolicyDocument, PolicyParameter
from guangyuan_jobs.policy.selectors import policy_value, working_days_between
from guangyuan_jobs.policy.services import parameter_supersede
from subsidies.selectors_outreach import kind_processing_days, service_guide
from tests.factories import PersonFactory, make_user
from tests.subsidies.outreach.conftest import hand_case

pytestmark = pytest.mark.django_db

GUIDE = "/subsidies/guides/{}/"


def item(html: str, key: str) -> str:
    """The list item of one parameter on the guide page."""
    start = html.index(f'data-key="{key}"')
    return html[start:html.index("</li>", start)]


def test_guides_need_no_login_and_list_every_subsidy_kind(client):
    response = client.get("/subsidies/guides/")
    assert response.status_code == 200
    html = response.content.decode()
    labels = ("失业保险稳岗返还", "失业补助金", "技能提升补贴", "一次性吸纳就业补贴", "社会保险补贴", "一次性创业补贴")
    assert all(label in html for label in labels)
    for code in ("WGFH", "SYBZJ", "JNTS", "XNJY", "SBBT", "CYBT"):
        assert client.get(GUIDE.format(code)).status_code == 200


def test_unknown_kind_has_no_guide(client):
    assert client.get(GUIDE.format("NOPE")).status_code == 404
    assert APIClient().get("/api/v1/subsidies/guides/NOPE/").status_code == 404


def test_guide_shows_the_values_in_force_and_follows_a_superseded_parameter(client):
    html = client.get(GUIDE.format("JNTS")).content.decode()
    junior = item(html, "jnts.amount.junior")
    assert "1000 元" in junior
    assert "四川省 2023 年职业技能提升补贴申领" in junior  # its document
    admin = make_user("admin")
    document = PolicyDocument.objects.create(doc_no="广人社发〔2026〕9号", title="广元市技能提升补贴标准调整",
                                             level="guangyuan", url="https://example.gov.cn/9")
    parameter_supersede(key="jnts.amount.junior", region="510800", value="1200", valid_from=timezone.localdate(),
                        document=document, confidence="verified", note="内部备注：待局务会确认", actor=admin)

    html = client.get(GUIDE.format("JNTS")).content.decode()
    junior = item(html, "jnts.amount.junior")
    assert "1200 元" in junior and "1000 元" not in junior
    assert "广人社发〔2026〕9号" in junior and 'href="https://example.gov.cn/9"' in junior
    assert 'data-confidence="verified"' in junior
    assert "初级 1200 元" in html  # "who qualifies" reads the same value
    assert "内部备注" not in html  # a parameter's note is internal
    assert AuditEvent.objects.filter(event_type="policy.parameter_superseded").exists()


def test_an_unverified_value_is_shown_as_to_be_confirmed(client):
    parameter_supersede(key="jnts.max_per_year", region="510800", value=2, valid_from=timezone.localdate(),
                        document=None, confidence="unverified", note="", actor=make_user("admin"))
    html = client.get(GUIDE.format("JNTS")).content.decode()
    per_year = item(html, "jnts.max_per_year")
    assert "2 次" in per_year
    assert "待确认" in per_year and 'data-confidence="unverified"' in per_year
    assert "2 次（待确认）" in html  # in "who qualifies" too
    # Casework's time limits are local choices, not signed off yet: the steps say so too.
    guide = service_guide("JNTS")
    review = next(s for s in guide.steps if s.code == "review")
    assert review.parameter.to_be_confirmed
    steps = html[html.index('data-testid="guide-steps"'):html.index('data-testid="guide-days"')]
    assert "待确认" in steps


def test_steps_and_promised_days_come_from_the_parameters(client):
    today = timezone.localdate()
    promised = (policy_value("casework.time_limit_days.default", on=today, region="510800")
                + policy_value("casework.public_notice_working_days", on=today, region="510800")
                + policy_value("casework.time_limit_days.payment", on=today, region="510800"))
    guide = service_guide("JNTS")
    assert guide.promised_days == promised
    assert [s.code for s in guide.steps] == ["submit", "accept", "review", "approve", "notice", "pay"]
    html = client.get(GUIDE.format("JNTS")).content.decode()
    assert f"{promised} 个工作日" in html
    assert "容缺" in html
    # A longer notice period lengthens the promise.
    parameter_supersede(key="casework.public_notice_working_days", region="510800", value=7, valid_from=today,
                        document=None, confidence="verified", note="", actor=make_user("admin"))
    assert service_guide("JNTS").promised_days == promised - policy_value(
        "casework.public_notice_working_days", on=today - datetime.timedelta(days=1), region="510800") + 7


def test_materials_fund_and_applicant_come_from_the_registration(client):
    html = client.get(GUIDE.format("WGFH")).content.decode()
    assert "承诺书" in html and "基本存款账户证明" in html and "失业保险基金" in html
    assert "用人单位" in html


def test_stable_post_refund_reads_the_premium_year_values():
    guide = service_guide("WGFH", today=datetime.date(2026, 6, 1))
    assert guide.premium_year == 2025 and guide.reference_date == datetime.date(2025, 12, 31)
    values = {p.key: p for p in guide.parameters}
    assert values["wgfh.ratio.large"].value == "30%" and values["wgfh.ratio.sme"].value == "60%"
    assert any("30%" in line and "60%" in line for line in guide.conditions)


def test_a_temporary_measure_says_its_window_is_over(client):
    guide = service_guide("SYBZJ", today=datetime.date(2026, 6, 1))
    assert guide.window_closed_on == datetime.date(2020, 12, 31)
    assert any("2020-03-01" in line and "2020-12-31" in line for line in guide.conditions)
    assert 'data-testid="window-closed"' in client.get(GUIDE.format("SYBZJ")).content.decode()


def test_a_kind_without_standards_says_so(client):
    html = client.get(GUIDE.format("CYBT")).content.decode()
    assert "政策参数库中尚未录入标准" in html


def test_promised_versus_actual_days_over_hand_built_cases(client):
    html = client.get(GUIDE.format("JNTS")).content.decode()
    assert 'data-testid="actual-days"' not in html  # no case yet: no "actual" figure
    person = PersonFactory()
    # Monday to Monday: 5 working days. Across National Day 2025 (1–8 October off): 2. Three weeks: 15.
    spans = [(datetime.date(2025, 3, 3), datetime.date(2025, 3, 10)),
             (datetime.date(2025, 9, 29), datetime.date(2025, 10, 9)),
             (datetime.date(2025, 3, 3), datetime.date(2025, 3, 24))]
    assert [working_days_between(a, b) for a, b in spans] == [5, 2, 15]
    for submitted, paid in spans:
        hand_case(kind="JNTS", person=person, submitted=submitted, paid=paid)
    # Not paid, or another kind: not counted.
    hand_case(kind="JNTS", person=person, status=CaseStatus.APPROVED, submitted=datetime.date(2025, 1, 2))
    hand_case(kind="SBBT", person=person, submitted=datetime.date(2025, 1, 2), paid=datetime.date(2025, 6, 2))

    actual = kind_processing_days("JNTS")
    assert actual.cases == 3 and str(actual.median) == "5.0"
    html = client.get(GUIDE.format("JNTS")).content.decode()
    assert 'data-testid="actual-days"' in html and "5.0 个工作日" in html
    hand_case(kind="JNTS", person=person, submitted=datetime.date(2025, 3, 3), paid=datetime.date(2025, 3, 17))
    assert str(kind_processing_days("JNTS").median) == "7.5"  # a new payment is counted at once


def test_the_guide_never_shows_internal_data(client):
    person = PersonFactory(name="王秘密", phone="13912345678")
    case = hand_case(kind="JNTS", person=person, submitted=datetime.date(2025, 3, 3), paid=datetime.date(2025, 3, 10))
    client.force_login(make_user("admin"))  # even a signed-in administrator sees only the public guide
    for html in (client.get(GUIDE.format("JNTS")).content.decode(),
                 APIClient().get("/api/v1/subsidies/guides/JNTS/").content.decode()):
        assert case.ref not in html and "王秘密" not in html and "13912345678" not in html
        assert person.id_number_masked not in html and person.id_number not in html
        notes = PolicyParameter.objects.filter(key__startswith="jnts.").exclude(note="").values_list("note", flat=True)
        assert notes and not any(note in html for note in notes)


def test_apply_online_leads_to_the_claim_form_of_the_kind(client):
    html = client.get(GUIDE.format("JNTS")).content.decode()
    start = html.index('data-testid="apply-online"')
    link = html[html.rindex("href=", 0, start):start]
    assert f'href="{reverse("subsidies:claim_form", args=["JNTS"])}"' in link


def test_guide_api_is_public_and_carries_the_values():
    client = APIClient()
    listing = client.get("/api/v1/subsidies/guides/")
    assert listing.status_code == 200 and {g["code"] for g in listing.json()} >= {"JNTS", "WGFH"}
    body = client.get("/api/v1/subsidies/guides/jnts/").json()
    junior = next(p for p in body["parameters"] if p["key"] == "jnts.amount.junior")
    assert junior["value"] == "1000 元" and junior["in_force"] and junior["confidence"] == "secondary"
    assert [s["code"] for s in body["steps"]][-1] == "pay" and body["promised_working_days"] > 0
    assert body["actual"] is None
    assert {m["code"] for m in body["materials"]} == {"id_card", "bank_card", "certificate"}


def test_the_guide_page_is_made_for_phones(client):
    html = client.get(GUIDE.format("JNTS")).content.decode()
    assert 'name="viewport"' in html and "<table" not in html  # lists and cards that wrap, no wide table
