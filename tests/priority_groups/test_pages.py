"""The caseworker's pages: adding a person to a group, the person's file and its actions, a job referral that
ends in a hire, bad input explained with nothing changed."""

import datetime

import pytest
from django.utils import timezone

from priority_groups.models import EmploymentStatus, GroupMembership, Referral, ServiceRecord
from priority_groups.services.jobs import referral_create, referral_outcome_record, vacancy_create
from tests.factories import make_id_number
from tests.priority_groups.conftest import LIZHOU, WANGCANG, in_group, person_in

pytestmark = pytest.mark.django_db
D = datetime.date


def test_add_a_person_to_a_group_through_the_page(client, caseworker):
    client.force_login(caseworker)
    assert "将人员纳入重点群体" in client.get("/priority-groups/people/add/").content.decode()
    number = make_id_number(region=WANGCANG, birth=D(2001, 9, 9))
    response = client.post("/priority-groups/people/add/", {
        "id_number": number, "name": "孙毕业", "phone": "13800001111", "region": WANGCANG, "group": "graduate",
        "valid_from": "2026-07-01", "evidence": "教育厅名单", "source": "caseworker"})
    membership = GroupMembership.objects.get(person__name="孙毕业")
    assert response.status_code == 302 and response["Location"] == f"/priority-groups/people/{membership.person_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "离校未就业高校毕业生" in page and "一人一策帮扶计划" in page and number not in page


def test_a_bad_id_number_is_explained_and_nothing_is_saved(client, caseworker):
    client.force_login(caseworker)
    number = make_id_number(region=WANGCANG)
    response = client.post("/priority-groups/people/add/", {
        "id_number": number[:-1] + ("0" if number[-1] != "0" else "1"), "name": "错号", "region": WANGCANG,
        "group": "graduate", "valid_from": "2026-07-01", "evidence": "名单", "source": "caseworker"})
    assert response.status_code == 400 and 'data-testid="field-error"' in response.content.decode()
    assert not GroupMembership.objects.exists()


def test_the_file_page_actions(client, caseworker):
    person = person_in(LIZHOU, name="周敏")
    in_group(person, "graduate", caseworker)
    client.force_login(caseworker)
    base = f"/priority-groups/people/{person.pk}"
    assert client.post(f"{base}/status/", {"status-status": "unemployed", "status-valid_from": "2026-07-01"}
                       ).status_code == 302
    response = client.post(f"{base}/plan/", {"plan-caseworker": caseworker.pk, "plan-needs": ["job", "skills"],
                                             "plan-measure_kind": "training", "plan-measure_description": "电工培训"})
    assert response.status_code == 302
    today = timezone.localdate().isoformat()
    client.post(f"{base}/services/", {"service-service_type": "policy_briefing", "service-served_on": today,
                                      "service-channel": "wechat", "service-outcome": "已了解求职补贴"})
    page = client.get(base + "/").content.decode()
    assert "电工培训" in page and "政策宣介" in page and "1人次" in page and "未就业" in page
    # A status before the last period is refused with the reason, and the page keeps the form open.
    response = client.post(f"{base}/status/", {"status-status": "flexible", "status-valid_from": "2026-01-01"})
    assert response.status_code == 400 and "新状态必须晚于该日期" in response.content.decode()
    assert EmploymentStatus.objects.filter(person=person).count() == 1


def test_a_referral_that_ends_in_a_hire_records_the_person_employed(client, caseworker):
    person = person_in(LIZHOU, name="吴用")
    in_group(person, "graduate", caseworker)
    vacancy = vacancy_create(title="数控车工", source="short_of_labour", employer_name="广元某机械有限公司",
                             region=person.region, positions=5, actor=caseworker)
    today = timezone.localdate()
    referral = referral_create(person=person, vacancy=vacancy, referred_on=today, actor=caseworker)
    assert ServiceRecord.objects.get(person=person).service_type == "job_referral"
    client.force_login(caseworker)
    response = client.post(f"/priority-groups/referrals/{referral.pk}/outcome/",
                           {"outcome": "hired", "outcome_on": today.isoformat()})
    assert response.status_code == 302
    status = EmploymentStatus.objects.get(person=person)
    assert status.status == "employed_local" and status.employer_name == "广元某机械有限公司"
    with pytest.raises(Exception) as exc:
        referral_outcome_record(referral=referral, outcome="not_hired", outcome_on=today, actor=caseworker)
    assert exc.type.__name__ == "ConflictError"
    assert Referral.objects.get().outcome == "hired"
    page = client.get(f"/priority-groups/vacancies/{vacancy.pk}/").content.decode()
    assert "吴用" in page and "已录用" in page


def test_lists_render_with_their_filters(client, caseworker):
    person = person_in(LIZHOU, name="郑列表")
    in_group(person, "poverty_labourer", caseworker)
    client.force_login(caseworker)
    for url, text in (("/priority-groups/?group=poverty_labourer", "郑列表"),
                      ("/priority-groups/services/", "服务记录"), ("/priority-groups/households/?zero_only=on", "家庭"),
                      ("/priority-groups/vacancies/", "就近就业岗位"), ("/priority-groups/rosters/", "名单导入"),
                      ("/priority-groups/reports/?group=poverty_labourer&year=2026&by=district", "利州区")):
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url


def test_ending_a_membership_and_marking_a_measure_done_on_the_page(client, caseworker):
    person = person_in(LIZHOU, name="钱多")
    membership = in_group(person, "graduate", caseworker, since=D(2020, 7, 1))
    client.force_login(caseworker)
    base = f"/priority-groups/people/{person.pk}"
    assert client.post(f"{base}/groups/{membership.pk}/end/", {"end-ended_on": "2019-01-01"}).status_code == 400
    assert client.post(f"{base}/groups/{membership.pk}/end/", {"end-ended_on": "2021-06-30"}).status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to == D(2021, 6, 30)
    client.post(f"{base}/plan/", {"plan-caseworker": caseworker.pk, "plan-needs": ["job"],
                                  "plan-measure_kind": "training", "plan-measure_description": "焊工培训"})
    measure = person.plan.measures.get()
    assert client.post(f"{base}/plan/measures/{measure.pk}/done/", {"end-ended_on": "2026-03-01"}).status_code == 302
    measure.refresh_from_db()
    assert measure.done_on == D(2026, 3, 1)
