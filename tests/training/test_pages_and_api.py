"""The pages and the API: the public draw page without login (inputs, hashes, results, downloads), running a draw
from it, the package / sign-up / class flows through the API, and who may see what."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from guangyuan_jobs.registry.models import Person
from tests.factories import make_id_number
from tests.training.conftest import PDF, announced_session, close_signups, frozen_package, published_package
from training.models import DrawSession, SignUp, TrainingPackage
from training.services import draws


@pytest.fixture
def session(officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:3])
    return announced_session(officer, [package]), package


def test_the_public_draw_page_needs_no_login_and_shows_the_sealed_commitment(client, session):
    announced, package = session
    page = client.get(f"/training/draws/{announced.ref}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert announced.commitment_sha256 in text and package.pool_sha256 in text
    assert "揭晓前保密" in text  # the committed value is not shown before the draw
    assert 'data-testid="run-form"' not in text  # the public does not get the run form
    assert client.get("/training/draws/").status_code == 200
    assert client.get("/training/draws/CQ-2026-NOSUCH/").status_code == 404


def test_a_clerk_runs_the_draw_from_the_public_page_and_anyone_downloads_the_record(client, officer, session):
    announced, package = session
    client.force_login(officer)
    page = client.get(f"/training/draws/{announced.ref}/")
    assert 'data-testid="run-form"' in page.content.decode()
    refused = client.post(f"/training/draws/{announced.ref}/run/", {"public_numbers": "5"})
    assert refused.status_code == 400 and "至少" in refused.content.decode()
    response = client.post(f"/training/draws/{announced.ref}/run/", {"public_numbers": "5 2 6"}, follow=True)
    assert "抽签已完成" in response.content.decode()
    announced.refresh_from_db()
    assert announced.status == DrawSession.Status.DRAWN
    client.logout()
    record = client.get(f"/training/draws/{announced.ref}/record.json").json()
    assert record["committed_value"] == announced.committed_value and record["public_numbers"] == ["5", "2", "6"]
    sheet = client.get(f"/training/draws/{announced.ref}/record.xlsx")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content) if sheet.streaming else sheet.content))
    assert len(book.sheetnames) == 4
    cells = [c.value for row in book.worksheets[3].iter_rows() for c in row]
    package.refresh_from_db()
    assert package.contractor.code in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    verify = client.get(f"/training/draws/{announced.ref}/verify/")
    assert "全部核验通过" in verify.content.decode()


def test_the_public_cannot_run_or_redraw(client, institutions, session):
    announced, package = session
    assert client.post(f"/training/draws/{announced.ref}/run/", {"public_numbers": "1 2 3"}).status_code == 302
    client.force_login(institutions[0][1])
    assert client.post(f"/training/draws/{announced.ref}/run/", {"public_numbers": "1 2 3"}).status_code == 403
    assert DrawSession.objects.get(pk=announced.pk).status == DrawSession.Status.ANNOUNCED


def test_packages_signups_and_checks_through_the_api(officer, plan, institutions):
    package = published_package(officer, plan)
    api = APIClient()
    listed = api.get("/api/v1/training/packages/").json()
    assert [p["ref"] for p in listed["results"]] == [package.ref]
    institution, account = institutions[0]
    api.force_authenticate(account)
    evidence = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    created = api.post(f"/api/v1/training/packages/{package.ref}/signups/",
                       {"teachers": 5, "premises_m2": 300, "equipment": "护理床", "evidence": evidence},
                       format="multipart")
    assert created.status_code == 201, created.content
    again = api.post(f"/api/v1/training/packages/{package.ref}/signups/",
                     {"teachers": 5, "premises_m2": 300, "equipment": "护理床"}, format="json")
    assert again.status_code == 409
    refused = api.post(f"/api/v1/training/signups/{created.json()['id']}/check/", {"eligible": True}, format="json")
    assert refused.status_code == 403  # an institution sees its own sign-up but does not check it
    api.force_authenticate(officer)
    checked = api.post(f"/api/v1/training/signups/{created.json()['id']}/check/", {"eligible": True}, format="json")
    assert checked.status_code == 200 and checked.json()["status"] == SignUp.Status.ELIGIBLE
    close_signups(package)
    frozen = api.post(f"/api/v1/training/packages/{package.ref}/freeze/")
    assert frozen.status_code == 200 and frozen.json()["pool"] == [[institution.code, institution.name]]
    assert api.post(f"/api/v1/training/packages/{package.ref}/freeze/").status_code == 409


def test_drafts_are_internal(client, officer, plan):
    package = published_package(officer, plan)
    TrainingPackage.objects.filter(pk=package.pk).update(status=TrainingPackage.Status.DRAFT)
    assert client.get(f"/training/packages/{package.ref}/").status_code == 404
    client.force_login(officer)
    assert client.get(f"/training/packages/{package.ref}/").status_code == 200


def test_classes_and_trainees_through_the_api(officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:2])
    announced = announced_session(officer, [package])
    api = APIClient()
    api.force_authenticate(officer)
    assert api.post(f"/api/v1/training/draws/{announced.ref}/run/", {"public_numbers": ["1", "2", "3"]},
                    format="json").status_code == 200
    package.refresh_from_db()
    winner = next(acc for inst, acc in institutions[:2] if inst.pk == package.contractor_id)
    other = next(acc for inst, acc in institutions[:2] if inst.pk != package.contractor_id)
    api.force_authenticate(winner)
    today = timezone.localdate()
    created = api.post("/api/v1/training/classes/", {
        "package": package.ref, "starts_on": today.isoformat(), "ends_on": (today + datetime.timedelta(9)).isoformat(),
        "address": "利州区", "teacher_names": "张老师"}, format="json")
    assert created.status_code == 201, created.content
    ref = created.json()["ref"]
    number = make_id_number(region="510802")
    added = api.post(f"/api/v1/training/classes/{ref}/trainees/", {"name": "王秀英", "id_number": number},
                     format="json")
    assert added.status_code == 201
    assert added.json()["id_number"] == Person.objects.get(name="王秀英").id_number_masked
    assert number not in str(api.get(f"/api/v1/training/classes/{ref}/").content)
    bad = api.post(f"/api/v1/training/classes/{ref}/trainees/", {"name": "李四", "id_number": "510802199001011230"},
                   format="json")
    assert bad.status_code == 400
    api.force_authenticate(other)
    assert api.get(f"/api/v1/training/classes/{ref}/").status_code == 404
    assert api.get("/api/v1/training/classes/").json() == []
    public = APIClient().get(f"/api/v1/training/draws/{announced.ref}/").json()
    assert public["packages"][0]["draws"][0]["winner"] == package.contractor.code


def test_staff_pages_render_for_the_training_officer(client, officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:2])
    draws.session_draw(session=announced_session(officer, [package]), public_numbers="1 2 3", actor=officer)
    client.force_login(officer)
    for url in ("/training/plans/", f"/training/plans/{plan.pk}/", "/training/packages/",
                f"/training/packages/{package.ref}/", "/training/classes/", "/training/supervision/",
                "/training/draws/new/"):
        assert client.get(url).status_code == 200, url
    client.force_login(institutions[0][1])
    assert client.get("/training/institution/").status_code == 200
    assert client.get("/training/plans/").status_code == 403


def test_class_page_roster_supervision_and_bad_input(client, officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:2])
    draws.session_draw(session=announced_session(officer, [package]), public_numbers="1 2 3", actor=officer)
    package.refresh_from_db()
    account = next(acc for inst, acc in institutions[:2] if inst.pk == package.contractor_id)
    client.force_login(account)
    today = timezone.localdate()
    filed = client.post(f"/training/packages/{package.ref}/classes/new/", {
        "starts_on": today.isoformat(), "ends_on": (today + datetime.timedelta(5)).isoformat(),
        "address": "利州区东坝街道", "teacher_names": "张老师"})
    assert filed.status_code == 302
    ref = filed.url.rstrip("/").rsplit("/", 1)[-1]
    bad = client.post(f"/training/classes/{ref}/trainee/", {"trainee-name": "李四",
                                                            "trainee-id_number": "510802199001011230"})
    assert bad.status_code == 400 and 'data-testid="form-errors"' in bad.content.decode()
    number = make_id_number(region="510802")
    client.post(f"/training/classes/{ref}/trainee/", {"trainee-name": "王秀英", "trainee-id_number": number})
    page = client.get(f"/training/classes/{ref}/").content.decode()
    assert "王秀英" in page and number not in page
    client.force_login(officer)
    client.post(f"/training/classes/{ref}/supervision/", {
        "supervision-layer": "on_site", "supervision-visited_on": today.isoformat(),
        "supervision-inspector": "王敏", "supervision-findings": "教学计划未上墙",
        "supervision-correction_required": "张贴教学计划", "supervision-correction_due": today.isoformat()})
    listing = client.get("/training/supervision/?status=open").content.decode()
    assert "教学计划未上墙" in listing
    from training.models import SupervisionRecord

    record = SupervisionRecord.objects.get()
    client.post(f"/training/supervision/{record.pk}/close/", {"follow_up": "已张贴，复查合格"})
    record.refresh_from_db()
    assert record.status == SupervisionRecord.Status.CLOSED
