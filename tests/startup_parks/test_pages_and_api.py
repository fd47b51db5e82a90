import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from guangyuan_jobs.reports.registry import get_report
from startup_parks.models import CertificationApplication, Evidence
from startup_parks.services.certification import evaluation_submit
from startup_parks.services.parks import jobs_report, resident_add
from tests.factories import EnterpriseFactory
from tests.startup_parks.conftest import PDF, scores


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_and_scopes(crew):
    crew.park(kind="rural_return", name="返乡园")
    crew.park(kind="student", name="学生园")
    crew.park(operator=crew.other_operator, kind="student", name="别家园")
    body = client_for(crew.manager).get("/parks/", {"kind": "student"}).content.decode()
    assert "学生园" in body and "别家园" in body and "返乡园" not in body
    own = client_for(crew.operator).get("/parks/").content.decode()
    assert "返乡园" in own and "别家园" not in own
    assert client_for(crew.person).get("/parks/").status_code == 403
    assert "返乡园" not in client_for(crew.cangxi_reviewer).get("/parks/").content.decode()


def test_the_score_sheet_page_shows_each_evaluator_and_the_forms_by_role(crew):
    application = crew.apply(crew.park())
    evaluation_submit(application=application, scores=scores(application, "0.75"), actor=crew.reviewer)
    url = f"/parks/applications/{application.ref}/"
    page = client_for(crew.reviewer2).get(url).content.decode()
    assert 'data-testid="score-sheet"' in page and "75.00" in page and 'data-testid="evaluation-form"' in page
    assert 'data-testid="decision-form"' not in client_for(crew.reviewer).get(url).content.decode()
    assert 'data-testid="decision-form"' in client_for(crew.approver).get(url).content.decode()
    insider = application.park.operator
    from tests.factories import make_user

    page = client_for(make_user("reviewer", enterprise=insider)).get(url).content.decode()
    assert 'data-testid="conflict"' in page and 'data-testid="evaluation-form"' not in page
    assert client_for(crew.other_operator).get(url).status_code == 404


def test_a_browser_journey_from_application_to_certificate(crew):
    park = crew.park()
    operator = client_for(crew.operator)
    files = {f"evidence_{code}": io.BytesIO(PDF) for code in ("site", "returnees", "jobs", "services", "management")}
    for name, handle in files.items():
        handle.name = f"{name}.pdf"
    response = operator.post(f"/parks/p/{park.ref}/apply/", {"note": "首次申请", **files})
    application = CertificationApplication.objects.get(park=park)
    assert response.status_code == 302 and Evidence.objects.filter(application=application).count() == 5
    for reviewer in (crew.reviewer, crew.reviewer2):
        posted = {f"score_{row['code']}": row["max_score"] for row in application.criteria}
        assert client_for(reviewer).post(f"/parks/applications/{application.ref}/evaluate/", posted).status_code == 302
    # A bad score is refused on the page with the criterion marked, and changes nothing.
    third = client_for(crew.approver)
    application.refresh_from_db()
    response = third.post(f"/parks/applications/{application.ref}/decide/",
                          {"decision": "refused", "reason": "", "version": application.version})
    assert response.status_code == 400
    response = third.post(f"/parks/applications/{application.ref}/decide/",
                          {"decision": "certified", "reason": "", "version": application.version})
    assert response.status_code == 302
    page = operator.get(f"/parks/p/{park.ref}/").content.decode()
    assert "100000.00" in page and 'data-testid="certificates"' in page
    download = operator.get(f"/parks/applications/{application.ref}/evidence/"
                            f"{application.evidence.first().pk}/")
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]


def test_an_evaluation_with_a_score_above_the_maximum_is_refused_on_the_page(crew):
    application = crew.apply(crew.park())
    posted = {f"score_{row['code']}": "1" for row in application.criteria}
    posted["score_site"] = "21"
    response = client_for(crew.reviewer).post(f"/parks/applications/{application.ref}/evaluate/", posted)
    assert response.status_code == 400 and not application.evaluations.exists()


def test_pages_refuse_roles_without_the_right(crew):
    park = crew.park()
    application = crew.apply(park)
    assert client_for(crew.manager).post(f"/parks/applications/{application.ref}/decide/", {}).status_code == 403
    assert client_for(crew.approver).post(f"/parks/applications/{application.ref}/evaluate/", {}).status_code == 403
    assert client_for(crew.reviewer).post(f"/parks/p/{park.ref}/residents/", {}).status_code == 403
    assert client_for(crew.other_operator).get(f"/parks/p/{park.ref}/").status_code == 404
    assert client_for(crew.entry).get(f"/parks/p/{park.ref}/apply/").status_code == 403


def test_api_lists_details_and_applies_for_the_operator_only(crew):
    park = crew.park()
    crew.park(operator=crew.other_operator, name="别家园")
    operator = APIClient()
    operator.force_authenticate(crew.operator)
    listed = operator.get("/api/v1/parks/").json()
    assert [row["ref"] for row in listed["results"]] == [park.ref]
    assert operator.get("/api/v1/parks/", {"kind": "zoo"}).status_code == 400
    upload = io.BytesIO(PDF)
    upload.name = "site.pdf"
    created = operator.post(f"/api/v1/parks/{park.ref}/apply/", {"note": "api", "evidence_site": upload},
                            format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["purpose"] == "initial" and body["evidence"] == {"site": 1} and len(body["criteria"]) == 5
    assert operator.post(f"/api/v1/parks/{park.ref}/apply/", {}, format="multipart").status_code == 409
    assert operator.get(f"/api/v1/parks/applications/{body['ref']}/").json()["status"] == "submitted"

    other = APIClient()
    other.force_authenticate(crew.other_operator)
    assert other.get(f"/api/v1/parks/{park.ref}/").status_code == 404
    assert other.post(f"/api/v1/parks/{park.ref}/apply/", {}, format="multipart").status_code == 404
    assert other.get(f"/api/v1/parks/applications/{body['ref']}/").status_code == 404
    staff = APIClient()
    staff.force_authenticate(crew.entry)
    assert staff.get(f"/api/v1/parks/{park.ref}/").status_code == 200
    assert staff.post(f"/api/v1/parks/{park.ref}/apply/", {}, format="multipart").status_code == 403
    bad = io.BytesIO(b"MZ not a pdf")
    bad.name = "x.pdf"
    fresh = crew.park(name="新园")
    refused = operator.post(f"/api/v1/parks/{fresh.ref}/apply/", {"evidence_site": bad}, format="multipart")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "file_type"
    assert not CertificationApplication.objects.filter(park=fresh).exists()
    assert APIClient().get("/api/v1/parks/").status_code in (401, 403)


@pytest.mark.django_db
def test_the_report_lists_parks_with_residents_jobs_and_last_score(crew):
    application = crew.evaluated()
    from startup_parks.services.certification import certification_decide

    certification_decide(application=application, decision="certified", version=application.version,
                         actor=crew.approver)
    park = application.park
    resident = resident_add(park=park, credit_code=EnterpriseFactory().credit_code, moved_in_on="2025-01-01",
                            actor=crew.operator)
    jobs_report(resident=resident, period="2025-02", jobs_created=7, actor=crew.operator)
    crew.park(operator=crew.other_operator, kind="student", region="510824", name="苍溪园")
    report = get_report("startup_parks_register")
    rows = list(report.queryset(crew.manager, {}).values_list("name", "residents_now", "jobs_total", "last_score",
                                                              "status"))
    assert (park.name, 1, 7, application.total_score, "certified") in rows and len(rows) == 2
    assert [p.name for p in report.queryset(crew.cangxi_reviewer, {})] == ["苍溪园"]  # their district only
    assert report.queryset(crew.operator, {"kind": "student"}).count() == 0
