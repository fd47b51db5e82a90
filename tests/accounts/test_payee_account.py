"""A person applicant records the account subsidies are paid to; it is stored encrypted and shown masked."""

import pytest

from guangyuan_jobs.audit.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_applicant_saves_payee_account_shown_masked(client):
    applicant = make_user("applicant_person")
    client.force_login(applicant)
    response = client.post("/accounts/me/payee-account/",
                           {"bank_name": "广元市商业银行", "account": "6217 0000 1234 5678 901"})
    assert response.status_code == 302
    applicant.person.refresh_from_db()
    assert applicant.person.bank_account == "6217000012345678901"
    page = client.get("/accounts/me/").content.decode()
    assert "621700*********8901" in page
    assert "6217000012345678901" not in page
    assert AuditEvent.objects.filter(event_type="registry.person_bank_account_changed", actor=applicant).exists()


def test_bad_account_number_is_refused_in_chinese_and_nothing_changes(client):
    applicant = make_user("applicant_person")
    client.force_login(applicant)
    response = client.post("/accounts/me/payee-account/", {"bank_name": "农业银行", "account": "12ab"})
    assert response.status_code == 400
    assert "银行账号" in response.content.decode() or "账号" in response.content.decode()
    applicant.person.refresh_from_db()
    assert applicant.person.bank_account_encrypted == ""
