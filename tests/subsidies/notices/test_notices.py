"""公示: publishing approved cases for the working-day window, the public pages without sign-in (masked data
only), objections holding payment until a reviewer resolves them."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.policy.selectors import working_days_add
from subsidies.models import NoticeEntry, Objection, PublicNotice
from subsidies.services import notices as services
from tests.conftest import full_id_numbers_in
from tests.factories import make_user
from tests.subsidies.notices.conftest import approved_case, move

pytestmark = pytest.mark.django_db


def objection_form(notice, entry, **extra):
    return {"entry": entry.pk, "name": "王五", "contact": "13700000000",
            "text": "此人已在外地重新就业，不应领取补贴。", **extra}


def end_notice(notice, *, days_ago: int = 1):
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=10),
                                                     ends_on=today - datetime.timedelta(days=days_ago))
    notice.refresh_from_db()


def test_publishing_moves_the_cases_and_sets_the_working_day_window(published, crew):
    notice, cases = published
    today = timezone.localdate()
    assert notice.starts_on == today and notice.ends_on == working_days_add(today, 5).date
    assert notice.ref.startswith(f"GS-{today.year}-") and notice.title.startswith("测试公示补贴公示")
    for case in cases:
        case.refresh_from_db()
        assert case.status == CaseStatus.PUBLICIZED
    entry = NoticeEntry.objects.get(case=cases[0])
    person = cases[0].applicant_person
    assert (entry.display_name, entry.identifier_masked) == ("张*丰", person.id_number_masked)
    assert entry.item == "测试公示补贴"
    assert AuditEvent.objects.filter(event_type="subsidies.notice_published", object_id=notice.ref).exists()
    assert AuditEvent.objects.filter(event_type="case.publicize").count() == 2


def test_only_approved_cases_of_a_noticed_kind_are_published_by_a_publisher(crew):
    case = approved_case(crew)
    with pytest.raises(ForbiddenError):
        services.notice_publish(kind="GSTEST", actor=crew.reviewer, case_refs=[case.ref])
    with pytest.raises(ApplicationError) as caught:
        services.notice_publish(kind="GSQUIET", actor=crew.approver, case_refs=[case.ref])
    assert caught.value.code == "no_public_notice"
    with pytest.raises(ApplicationError) as caught:
        services.notice_publish(kind="GSTEST", actor=make_user("approver", region_code="510821"),
                                case_refs=[case.ref])
    assert caught.value.code == "nothing_selected"
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and not PublicNotice.objects.exists()


def test_public_pages_need_no_sign_in_and_show_masked_data_only(client, published):
    notice, cases = published
    listing = client.get("/subsidies/public/notices/")
    assert listing.status_code == 200 and notice.title in listing.content.decode()
    html = client.get(f"/subsidies/public/notices/{notice.ref}/").content.decode()
    person = cases[0].applicant_person
    assert "张*丰" in html and "李*" in html and person.id_number_masked in html and "1500.00" in html
    assert full_id_numbers_in(html) == [] and person.id_number not in html
    assert person.name not in html and "13812345678" not in html
    assert person.birth_date.strftime("%Y%m%d") not in html
    api = APIClient().get(f"/api/v1/subsidies/public-notices/{notice.ref}/")
    assert api.status_code == 200 and full_id_numbers_in(api.content.decode()) == []
    assert {e["display_name"] for e in api.json()["entries"]} == {"张*丰", "李*"}


def test_an_objection_holds_payment_until_dismissed(client, published, crew):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    assert "公示期至" in services.payment_hold_reason(cases[0])
    response = client.post(f"/subsidies/public/notices/{notice.ref}/objections/", objection_form(notice, entry))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.status == Objection.Status.OPEN and objection.case == cases[0]
    assert objection.lodged_ip == "127.0.0.1"
    assert AuditEvent.objects.filter(event_type="subsidies.objection_lodged", source_ip="127.0.0.1").exists()
    end_notice(notice)
    assert "异议" in services.payment_hold_reason(cases[0])
    assert services.payment_hold_reason(cases[1]) is None
    assert set(services.payment_hold_reasons([c.pk for c in cases])) == {cases[0].pk}
    client.force_login(crew.reviewer)
    assert objection.text in client.get("/subsidies/objections/").content.decode()
    response = client.post(f"/subsidies/objections/{objection.pk}/resolve/",
                           {"outcome": "dismissed", "resolution": "经核实，此人未就业。"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED and objection.resolved_by == crew.reviewer
    assert services.payment_hold_reason(cases[0]) is None
    assert AuditEvent.objects.filter(event_type="subsidies.objection_resolved").exists()


def test_an_upheld_objection_keeps_the_hold_until_an_approver_refuses(published, crew):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    objection = services.objection_lodge(notice=notice, entry_id=entry.pk, name="王五", contact="137",
                                         text="此人已重新就业。", source_ip="10.0.0.1")
    services.objection_resolve(objection=objection, upheld=True, resolution="异议属实。", actor=crew.reviewer)
    cases[0].refresh_from_db()
    assert cases[0].status == CaseStatus.PUBLICIZED  # a reviewer may not refuse an approved case
    end_notice(notice)
    assert "不得拨付" in services.payment_hold_reason(cases[0])
    move(cases[0], "refuse", crew.approver, comment="公示期间异议成立。")
    assert Payment.objects.get(case=cases[0]).status == Payment.Status.CANCELLED


def test_an_objection_upheld_by_someone_who_may_refuse_refuses_the_case(published, crew):
    notice, cases = published
    both = make_user("reviewer")
    both.groups.add(*crew.approver.groups.all())
    entry = NoticeEntry.objects.get(case=cases[1])
    objection = services.objection_lodge(notice=notice, entry_id=entry.pk, name="王五", contact="137",
                                         text="此人已重新就业。", source_ip="10.0.0.2")
    services.objection_resolve(objection=objection, upheld=True, resolution="异议属实，不予发放。", actor=both)
    cases[1].refresh_from_db()
    assert cases[1].status == CaseStatus.REFUSED and cases[1].decision_reason == "异议属实，不予发放。"
    assert Payment.objects.get(case=cases[1]).status == Payment.Status.CANCELLED
    with pytest.raises(ApplicationError) as caught:
        services.objection_resolve(objection=objection, upheld=False, resolution="再议", actor=both)
    assert caught.value.http_status == 409


def test_objections_are_rate_limited_per_address(client, published, settings):
    settings.OBJECTION_MAX_PER_IP_PER_HOUR = 2
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    url = f"/subsidies/public/notices/{notice.ref}/objections/"
    assert [client.post(url, objection_form(notice, entry)).status_code for _ in range(2)] == [302, 302]
    third = client.post(url, objection_form(notice, entry))
    assert third.status_code == 429 and "异议过多" in third.content.decode()
    assert Objection.objects.count() == 2
    other = client.post(url, objection_form(notice, entry), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302 and Objection.objects.count() == 3


def test_an_objection_after_the_notice_ended_is_refused(client, published):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    end_notice(notice)
    page = client.get(f"/subsidies/public/notices/{notice.ref}/").content.decode()
    assert "objection-form" not in page
    response = client.post(f"/subsidies/public/notices/{notice.ref}/objections/", objection_form(notice, entry))
    assert response.status_code == 400 and not Objection.objects.exists()


def test_a_bad_objection_is_explained_and_stored_nowhere(client, published):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    response = client.post(f"/subsidies/public/notices/{notice.ref}/objections/",
                           objection_form(notice, entry, text="短"))
    assert response.status_code == 400 and not Objection.objects.exists()
    api = APIClient().post(f"/api/v1/subsidies/public-notices/{notice.ref}/objections/",
                           {"entry": 999999, "name": "王五", "contact": "137", "text": "此人已重新就业。"},
                           format="json")
    assert api.status_code == 400 and not Objection.objects.exists()


def test_the_publish_page_lists_approved_cases_and_publishes_the_ticked(client, crew):
    cases = [approved_case(crew), approved_case(crew, name="赵六")]
    client.force_login(crew.approver)
    page = client.get("/subsidies/notices/publish/", {"kind": "GSTEST"}).content.decode()
    assert all(c.ref in page for c in cases)
    response = client.post("/subsidies/notices/publish/", {"kind": "GSTEST", "refs": [cases[0].ref], "title": ""})
    notice = PublicNotice.objects.get()
    assert response["Location"] == f"/subsidies/public/notices/{notice.ref}/"
    assert list(notice.entries.values_list("case__ref", flat=True)) == [cases[0].ref]
    client.force_login(crew.reviewer)
    assert client.get("/subsidies/notices/publish/").status_code == 403


def test_objection_pages_and_api_are_for_resolvers_in_their_area(client, published, crew):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[0])
    objection = services.objection_lodge(notice=notice, entry_id=entry.pk, name="王五", contact="137",
                                         text="此人已重新就业。", source_ip="10.0.0.3")
    elsewhere = make_user("reviewer", region_code="510821")
    client.force_login(elsewhere)
    assert objection.text not in client.get("/subsidies/objections/").content.decode()
    assert client.post(f"/subsidies/objections/{objection.pk}/resolve/",
                       {"outcome": "dismissed", "resolution": "不成立"}).status_code == 404
    client.force_login(crew.approver)
    assert client.get("/subsidies/objections/").status_code == 403
    api = APIClient()
    api.force_authenticate(crew.reviewer)
    listed = api.get("/api/v1/subsidies/objections/").json()
    assert listed["count"] == 1 and listed["results"][0]["identifier_masked"] == entry.identifier_masked
    resolved = api.post(f"/api/v1/subsidies/objections/{objection.pk}/resolve/",
                        {"outcome": "dismissed", "resolution": "经核实不成立。"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "dismissed"
    anonymous = APIClient()
    assert anonymous.get("/api/v1/subsidies/objections/").status_code in (401, 403)
    assert anonymous.post("/api/v1/subsidies/notices/", {"kind": "GSTEST", "refs": ["x"]},
                          format="json").status_code in (401, 403)


def test_publishing_through_the_api(crew):
    case = approved_case(crew)
    api = APIClient()
    api.force_authenticate(crew.approver)
    response = api.post("/api/v1/subsidies/notices/", {"kind": "GSTEST", "refs": [case.ref]}, format="json")
    assert response.status_code == 201 and response.json()["entries"][0]["display_name"] == "张*丰"
    again = api.post("/api/v1/subsidies/notices/", {"kind": "GSTEST", "refs": [case.ref]}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "nothing_selected"
    listed = APIClient().get("/api/v1/subsidies/public-notices/", {"current": "true"}).json()
    assert listed["count"] == 1


def test_casework_refuses_to_pay_while_the_notice_runs_and_pays_after_it(published, client, crew):
    notice, cases = published
    client.force_login(crew.finance)
    response = client.get(f"/api/v1/cases/{cases[0].ref}/")
    assert response.status_code == 200
    assert "pay" not in response.json()["allowed_actions"]
    with pytest.raises(ApplicationError) as refused:
        move(cases[0], "pay", crew.finance)
    assert refused.value.code == "payment_held" and "公示期至" in str(refused.value.message)
    assert Payment.objects.get(case=cases[0]).status == Payment.Status.PENDING
    end_notice(notice)
    assert "pay" in client.get(f"/api/v1/cases/{cases[0].ref}/").json()["allowed_actions"]
    move(cases[0], "pay", crew.finance)
    assert Payment.objects.get(case=cases[0]).status == Payment.Status.PAID


def test_an_approver_refuses_the_case_of_an_upheld_objection_from_the_case_page(client, published, crew):
    notice, cases = published
    case = cases[0]
    entry = NoticeEntry.objects.get(case=case)
    objection = services.objection_lodge(notice=notice, entry_id=entry.pk, name="王五", contact="137",
                                         text="此人已重新就业。", source_ip="10.0.0.3")
    client.force_login(crew.approver)
    assert 'data-testid="objection-refuse"' not in client.get(f"/cases/{case.ref}/").content.decode()  # still open
    services.objection_resolve(objection=objection, upheld=True, resolution="经核实已于公示期间重新就业。",
                               actor=crew.reviewer)
    client.force_login(crew.reviewer)  # upheld it, but may not refuse an approved case
    assert 'data-testid="objection-refuse"' not in client.get(f"/cases/{case.ref}/").content.decode()
    assert client.post(f"/subsidies/objections/{objection.pk}/refuse-case/").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLICIZED

    client.force_login(crew.approver)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert 'data-testid="objection-refuse"' in page and "经核实已于公示期间重新就业。" in page
    response = client.post(f"/subsidies/objections/{objection.pk}/refuse-case/", follow=True)
    assert "已因异议成立不予批准" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.decided_at is not None
    assert case.decision_reason == "公示期间异议成立：经核实已于公示期间重新就业。"
    assert Payment.objects.get(case=case).status == Payment.Status.CANCELLED
    assert AuditEvent.objects.filter(event_type="subsidies.objection_case_refused", actor=crew.approver).exists()
    assert AuditEvent.objects.filter(event_type="case.refuse", object_id=case.ref).count() == 1
    # A second click refuses nothing more.
    client.post(f"/subsidies/objections/{objection.pk}/refuse-case/")
    assert AuditEvent.objects.filter(event_type="case.refuse", object_id=case.ref).count() == 1


def test_a_dismissed_objection_is_no_reason_to_refuse(published, crew):
    notice, cases = published
    entry = NoticeEntry.objects.get(case=cases[1])
    objection = services.objection_lodge(notice=notice, entry_id=entry.pk, name="王五", contact="137",
                                         text="此人已重新就业。", source_ip="10.0.0.4")
    services.objection_resolve(objection=objection, upheld=False, resolution="经核实不属实。", actor=crew.reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.objection_refuse_case(objection=objection, actor=crew.approver)
    assert caught.value.code == "objection_not_upheld"
    cases[1].refresh_from_db()
    assert cases[1].status == CaseStatus.PUBLICIZED
