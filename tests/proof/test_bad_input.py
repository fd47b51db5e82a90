"""Bad input, the way an attacker or a careless user sends it: every upload endpoint gets the whole bad-file
corpus (zip bomb, XML bomb, macro workbook, renamed files, 0 bytes, one byte over the limit), and the claim
forms get bad values (check digits, future dates, negative and huge amounts, emoji, 10,000-character names,
SQL and script strings). Each is refused with a message in Chinese, stores nothing (no row, no file) and is
never a 500. Names with path traversal are kept as data only: the file lands under a name the server makes."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from guangyuan_jobs.casework.models import Attachment, Case
from subsidies.models import RosterImport
from tests.factories import make_credit_code, make_id_number, make_user
from tests.proof.corpus import PDF, TRAVERSAL_NAMES, build
from tests.subsidies.claims.conftest import api, cybt_data, file_claim, sbbt_data, sybzj_data, xnjy_data

pytestmark = pytest.mark.django_db
UPLOAD_MAX = 256 * 1024  # the limit under test, so "one byte over" stays small
CJK = re.compile(r"[\u4e00-\u9fff]")
CORPUS = build(UPLOAD_MAX)
CLAIMS = "/api/v1/subsidies/claims/"


@pytest.fixture(autouse=True)
def _small_upload_limit(settings):
    settings.UPLOAD_MAX_BYTES = UPLOAD_MAX


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(bad) -> SimpleUploadedFile:
    return SimpleUploadedFile(bad.name, bad.content, content_type="application/octet-stream")


def page_error(response) -> str:
    """The visible text of the page's error messages (alerts and field errors)."""
    html = response.content.decode()
    found = re.findall(r'class="[^"]*(?:alert-danger|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", f).strip() for f in found)


# --- uploads: case materials (the applicant's page) ------------------------------------------------------------

@pytest.fixture
def draft_case():
    applicant = make_user("applicant_person")
    return applicant, file_claim(applicant, "SYBZJ")


# A PDF named .xlsx is a genuine PDF: case materials judge by content, so only the workbook endpoints refuse it.
@pytest.mark.parametrize("key", sorted(set(CORPUS) - {"pdf_as_xlsx"}))
def test_case_materials_refuse_every_bad_file(client, draft_case, key):
    applicant, case = draft_case
    client.force_login(applicant)
    response = client.post(f"/cases/{case.ref}/attachments/", {"material_code": "id_card", "file": upload(CORPUS[key])})
    assert response.status_code == 400, CORPUS[key].what
    message = page_error(response)
    assert CJK.search(message), f"{CORPUS[key].what}: no Chinese message in {message!r}"
    assert not Attachment.objects.exists() and stored_files() == []


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_a_traversal_name_is_data_only_the_file_lands_under_a_server_made_name(client, draft_case, name):
    applicant, case = draft_case
    client.force_login(applicant)
    response = client.post(f"/cases/{case.ref}/attachments/",
                           {"material_code": "id_card", "file": SimpleUploadedFile(name, PDF)})
    assert response.status_code in (302, 400)
    media = Path(django_settings.MEDIA_ROOT).resolve()
    for path in stored_files():
        assert path.resolve().is_relative_to(media)
    for attachment in Attachment.objects.all():
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(media) and ".." not in attachment.file.name
        assert Path(attachment.file.name).name != Path(name.replace("\\", "/")).name  # the server named it
        assert not set(attachment.original_name) & set("/\\\x00")


# --- uploads: roster imports (API and page) ----------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(CORPUS))
def test_roster_import_api_refuses_every_bad_file(key):
    clerk = make_user("entry")
    response = api(clerk).post("/api/v1/subsidies/roster-imports/",
                               {"file": upload(CORPUS[key]), "premium_year": 2024}, format="multipart")
    assert response.status_code == 400, (CORPUS[key].what, response.content[:300])
    error = response.json()["error"]
    assert CJK.search(error["message"] + str(error.get("fields", ""))), error
    assert not RosterImport.objects.exists() and stored_files() == []


@pytest.mark.parametrize("key", sorted(CORPUS))
def test_roster_import_page_refuses_every_bad_file(client, key):
    client.force_login(make_user("entry"))
    response = client.post("/subsidies/roster/new/", {"file": upload(CORPUS[key]), "premium_year": 2024})
    assert response.status_code == 400, CORPUS[key].what
    assert CJK.search(page_error(response)), page_error(response)
    assert not RosterImport.objects.exists() and stored_files() == []


# --- values: the claims API, as applicants and as a counter clerk filing for a walk-in applicant -----------------

def _bad_id_number() -> str:
    good = make_id_number()
    return good[:-1] + ("0" if good[-1] != "0" else "1")


def _bad_credit_code() -> str:
    good = make_credit_code()
    return good[:-1] + ("0" if good[-1] != "0" else "1")


LONG = "张" * 10_000
EMOJI = "王😀小二"
SQL = "'; DROP TABLE casework_case; --"
SCRIPT = "<script>alert(1)</script>"
FAR_FUTURE = "2999-01-01"

# (who files, kind, claim data, walk-in applicant or None, the field named in the error or words of its message)
BAD_VALUES = {
    "id check digit (walk-in)": ("entry", "SYBZJ", sybzj_data(), {"id_number": "BAD_ID", "name": "王小二"},
                                 "校验码"),
    "credit code check digit (walk-in)": ("entry", "WGFH", None, {"credit_code": "BAD_CODE", "name": "广元某公司"},
                                          "校验码"),
    "hired person's id check digit": ("applicant_enterprise", "XNJY", {"hired_id_number": "BAD_ID"}, None,
                                      "hired_id_number"),
    "business credit code check digit": ("applicant_person", "CYBT", {"business_credit_code": "BAD_CODE"}, None,
                                         "business_credit_code"),
    "unemployed since a future date": ("applicant_person", "SYBZJ", {"unemployed_since": FAR_FUTURE}, None,
                                       "unemployed_since"),
    "hired on a future date": ("applicant_enterprise", "XNJY", {"hired_on": FAR_FUTURE}, None, "hired_on"),
    "negative contribution": ("applicant_person", "SBBT", {"monthly_contribution": "-500.00"}, None,
                              "monthly_contribution"),
    "huge contribution": ("applicant_person", "SBBT", {"monthly_contribution": "99999999999999999999.99"}, None,
                          "monthly_contribution"),
    "negative months": ("applicant_person", "SYBZJ", {"insured_months": -3}, None, "insured_months"),
    "huge months": ("applicant_person", "SYBZJ", {"insured_months": 10**12}, None, "insured_months"),
    "10,000-character business name": ("applicant_person", "CYBT", {"business_name": LONG}, None, "business_name"),
    "10,000-character hired name": ("applicant_enterprise", "XNJY", {"hired_name": LONG}, None, "hired_name"),
    "10,000-character walk-in name": ("entry", "SYBZJ", sybzj_data(), {"id_number": "GOOD_ID", "name": LONG},
                                      "name"),
    "SQL in an occupation code": ("applicant_person", "JNTS", {"occupation_code": SQL}, None, "occupation_code"),
    "script in a certificate number": ("applicant_person", "JNTS", {"certificate_no": SCRIPT}, None,
                                       "certificate_no"),
    "unknown kind": ("applicant_person", "'; SELECT 1; --", {}, None, "kind"),
}
DATA = {"SYBZJ": sybzj_data, "XNJY": xnjy_data, "CYBT": cybt_data, "SBBT": sbbt_data}


def _data_for(kind: str, changes):
    from tests.subsidies.claims.conftest import DATA as CLAIM_DATA

    if changes is None:
        return CLAIM_DATA[kind]() if kind in CLAIM_DATA else {}
    changes = {k: _bad_id_number() if v == "BAD_ID" else _bad_credit_code() if v == "BAD_CODE" else v
               for k, v in changes.items()}
    return CLAIM_DATA[kind](**changes) if kind in CLAIM_DATA else changes


@pytest.mark.parametrize("case_name", list(BAD_VALUES))
def test_bad_claim_values_are_refused_in_chinese_and_store_nothing(case_name):
    role, kind, data, walk_in, field = BAD_VALUES[case_name]
    user = make_user(role)
    body = {"kind": kind, "submit": True, "data": _data_for(kind, data)}
    if walk_in:
        body["applicant"] = {k: _bad_id_number() if v == "BAD_ID" else _bad_credit_code() if v == "BAD_CODE"
                             else make_id_number() if v == "GOOD_ID" else v for k, v in walk_in.items()}
    before = Case.objects.count()
    response = api(user).post(CLAIMS, body, format="json")
    assert response.status_code == 400, (case_name, response.status_code, response.content[:400])
    error = response.json()["error"]
    text = error["message"] + " " + str(error.get("fields", {}))
    assert CJK.search(text), (case_name, error)
    assert field in str(error.get("fields", {})), (case_name, error)
    assert Case.objects.count() == before


@pytest.mark.parametrize("name", [SQL, SCRIPT, EMOJI])
def test_sql_script_and_emoji_in_a_free_text_name_are_inert(name):
    """A business name is free text (a shop may be called anything): such a value is either refused or kept
    exactly as typed, changes no table, and is escaped wherever it is shown."""
    applicant = make_user("applicant_person")
    response = api(applicant).post(CLAIMS, {"kind": "CYBT", "data": cybt_data(business_name=name)}, format="json")
    assert response.status_code in (201, 400), response.content[:300]
    assert Case.objects.model._meta.db_table == "casework_case" and Case.objects.count() in (0, 1)
    if response.status_code == 201:
        claim = response.json()
        assert claim["data"]["business_name"] == name
        from django.test import Client

        page = Client()
        page.force_login(applicant)
        html = page.get(f"/cases/{claim['ref']}/").content.decode()
        assert "<script>alert(1)</script>" not in html
