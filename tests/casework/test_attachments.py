"""Uploads: size and type limits judged by content, server-made names, audited downloads served as attachments."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import Attachment
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError, NotFoundError
from tests.casework.conftest import PDF_BYTES, PNG_BYTES, case_at, pdf_upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def upload(case, actor, file, code="ID_CARD"):
    return services.attachment_add(case=case, material_code=code, uploaded_file=file, actor=actor)


def test_pdf_is_stored_under_a_server_made_name_with_its_hash(crew):
    case = case_at("submitted", crew)
    attachment = upload(case, crew.applicant, pdf_upload("../../etc/身份证.pdf"))
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert attachment.original_name == "身份证.pdf"
    assert "身份证" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.name.startswith("cases/")
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert AuditEvent.objects.filter(event_type="case.attachment_add", object_id=case.ref).count() == 1


def test_png_named_as_anything_is_recognised_by_content(crew):
    attachment = upload(case_at("submitted", crew), crew.applicant,
                        SimpleUploadedFile("scan.bin", PNG_BYTES, content_type="application/octet-stream"))
    assert attachment.content_type == "image/png"


@pytest.mark.parametrize(("name", "content", "code"), [
    ("invoice.pdf", EXE_BYTES, "file_type"),  # a program renamed to .pdf
    ("empty.pdf", b"", "file_empty"),
])
def test_bad_files_are_refused(crew, name, content, code):
    case = case_at("submitted", crew)
    with pytest.raises(ApplicationError) as exc:
        upload(case, crew.applicant, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert exc.value.code == code
    assert not Attachment.objects.filter(case=case).exists()


def test_oversize_file_is_refused(crew, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    case = case_at("submitted", crew)
    with pytest.raises(ApplicationError) as exc:
        upload(case, crew.applicant, pdf_upload(content=PDF_BYTES + b"0" * 2000))
    assert exc.value.code == "file_too_large"
    assert not Attachment.objects.filter(case=case).exists()


def test_unknown_material_and_strangers_are_refused(crew, other_applicant):
    case = case_at("submitted", crew)
    with pytest.raises(ApplicationError):
        upload(case, crew.applicant, pdf_upload(), code="NOT_A_MATERIAL")
    with pytest.raises(NotFoundError):
        upload(case, other_applicant, pdf_upload())
    with pytest.raises(ForbiddenError):
        upload(case, crew.finance, pdf_upload())  # sees the case, does not handle materials


def test_closed_case_takes_no_more_files(crew):
    case = case_at("submitted", crew)
    services.case_transition(case=case, action="withdraw", actor=crew.applicant, version=case.version)
    with pytest.raises(ApplicationError) as exc:
        upload(case, crew.applicant, pdf_upload())
    assert exc.value.code == "case_closed"


def test_download_is_an_attachment_with_nosniff_and_audited(crew, client, other_applicant):
    case = case_at("submitted", crew)
    attachment = upload(case, crew.applicant, pdf_upload("身份证.pdf"))
    url = f"/cases/{case.ref}/attachments/{attachment.pk}/"

    client.force_login(crew.reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(event_type="case.attachment_download", object_id=case.ref,
                                     actor=crew.reviewer).count() == 1

    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    client.force_login(make_user("reviewer", region_code="510821"))  # another district
    assert client.get(url).status_code == 404
    client.force_login(crew.applicant)
    assert client.get(f"/cases/{case.ref}/attachments/{attachment.pk + 999}/").status_code == 404
