"""The pages: the inbox with its filters and pages, an applicant's claims, and the case page with exactly the
actions the user may take now."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guangyuan_jobs.casework.models import Case, CaseStatus, MissingMaterial
from tests.casework.conftest import PDF_BYTES, case_at, move, new_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def refs_in(html: str) -> set[str]:
    return set(re.findall(r"TEST-\d{4}-[0-9A-Z]{8}", html))


def test_inbox_filters(crew, client):
    submitted = case_at("submitted", crew)
    accepted = case_at("accepted", crew, region="510821")
    late = case_at("accepted", crew)
    Case.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(crew.reviewer)

    assert refs_in(client.get("/cases/").content.decode()) == {submitted.ref, accepted.ref, late.ref}
    assert refs_in(client.get("/cases/?status=submitted").content.decode()) == {submitted.ref}
    assert refs_in(client.get("/cases/?region=510821").content.decode()) == {accepted.ref}
    overdue_page = client.get("/cases/?overdue=on").content.decode()
    assert refs_in(overdue_page) == {late.ref} and "已超期" in overdue_page
    assert refs_in(client.get(f"/cases/?q={submitted.ref[-8:]}").content.decode()) == {submitted.ref}
    assert refs_in(client.get("/cases/?kind=TESTE").content.decode()) == set()
    client.force_login(crew.intake)
    assert refs_in(client.get("/cases/?mine=on").content.decode()) == {accepted.ref, late.ref}
    assert client.get("/cases/?status=nonsense&region=x").status_code == 200  # bad filters filter nothing


def test_inbox_pages(crew, client):
    for _ in range(27):
        new_case(crew.applicant)
    client.force_login(crew.intake)
    first = client.get("/cases/").content.decode()
    second = client.get("/cases/?page=2").content.decode()
    assert len(refs_in(first)) == 25 and len(refs_in(second)) == 2
    assert "共 27 条记录" in first or "27" in first


def test_applicant_sees_only_own_claims(crew, client, other_applicant):
    own = case_at("submitted", crew)
    new_case(other_applicant)
    client.force_login(crew.applicant)
    page = client.get("/cases/").content.decode()
    assert "我的申请" in page and refs_in(page) == {own.ref}
    assert 'name="refs"' not in page


def test_case_page_shows_the_case_masked_with_exactly_the_allowed_actions(crew, client):
    case = case_at("accepted", crew)
    client.force_login(crew.reviewer)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    person = case.applicant_person
    assert person.id_number_masked in page and person.id_number not in page
    assert "已受理" in page and "测试补贴" in page
    assert action_buttons(page) == {"review", "return", "refuse"}
    assert "受理" in page  # the timeline

    client.force_login(crew.approver)
    assert action_buttons(client.get(f"/cases/{case.ref}/").content.decode()) == set()
    client.force_login(make_user("auditor"))
    assert action_buttons(client.get(f"/cases/{case.ref}/").content.decode()) == set()
    client.force_login(crew.applicant)
    assert action_buttons(client.get(f"/cases/{case.ref}/").content.decode()) == {"withdraw"}


def test_acting_from_the_page_and_the_stale_page_message(crew, client):
    case = case_at("accepted", crew)
    seen = case.version
    client.force_login(crew.reviewer)
    response = client.post(f"/cases/{case.ref}/transition/", {"action": "review", "version": seen, "comment": "ok"},
                           follow=True)
    assert response.status_code == 200 and "已审核" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEWED

    client.force_login(crew.approver)
    stale = client.post(f"/cases/{case.ref}/transition/", {"action": "approve", "version": seen})
    assert stale.status_code == 409
    assert "刷新" in stale.content.decode() and 'data-testid="case-error"' in stale.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEWED


def test_accept_with_missing_materials_from_the_page(crew, client):
    case = case_at("submitted", crew)
    client.force_login(crew.intake)
    response = client.post(f"/cases/{case.ref}/transition/", {
        "action": "accept_incomplete", "version": case.version, "missing": ["BANK"],
        "missing_other": "社保缴费证明\n"})
    assert response.status_code == 302
    assert list(MissingMaterial.objects.filter(case=case).values_list("material_code", "label")) == [
        ("BANK", "银行卡"), ("OTHER1", "社保缴费证明")]


def test_applicant_supplements_missing_material_from_the_page(crew, client):
    case = move(case_at("submitted", crew), "accept_incomplete", crew.intake,
                data={"missing_materials": [{"code": "BANK", "label": ""}]})
    client.force_login(crew.applicant)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert 'data-testid="upload-form"' in page and "补交" in page and 'data-testid="missing-materials"' in page

    renamed = SimpleUploadedFile("银行卡.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    refused = client.post(f"/cases/{case.ref}/attachments/", {"material_code": "BANK", "file": renamed})
    assert refused.status_code == 400 and "PDF" in refused.content.decode()
    assert MissingMaterial.objects.get(case=case).supplied_at is None

    good = SimpleUploadedFile("银行卡.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(f"/cases/{case.ref}/attachments/", {"material_code": "BANK", "file": good}, follow=True)
    assert response.status_code == 200 and "银行卡.pdf" in response.content.decode()
    assert MissingMaterial.objects.get(case=case).supplied_at is not None


def test_other_applicant_gets_404_on_pages(crew, client, other_applicant):
    case = case_at("submitted", crew)
    client.force_login(other_applicant)
    assert client.get(f"/cases/{case.ref}/").status_code == 404
    assert client.post(f"/cases/{case.ref}/transition/", {"action": "withdraw", "version": case.version}
                       ).status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_pages_need_login(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
