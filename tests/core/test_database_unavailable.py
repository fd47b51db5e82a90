"""A database out of reach (PostgreSQL restarting, a failover, a cut connection) answers 503 with Retry-After and a
message in Chinese, in the API's JSON error shape or as a page, never a 500; any other fault is still a 500. The
real restart under load is tests/proof/test_fault_postgres_restart.py; here the error is raised where it would be."""

import os
import subprocess
import sys

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from rest_framework.test import APIClient

from subsidies import selectors_claims
from tests.conftest import ROOT
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MESSAGE_ZH = "暂时无法连接数据库，本次请求可能未完成，请几秒钟后重试；已提示保存成功的内容不会丢失。"
LOST = OperationalError("server closed the connection unexpectedly\n\tThis probably means the server terminated "
                        "abnormally")


def failing(exc):
    def raiser(*args, **kwargs):
        raise exc
    return raiser


@pytest.fixture
def applicant_api():
    client = APIClient()
    client.force_authenticate(make_user("applicant_person"))
    return client


@pytest.fixture
def applicant_pages():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("applicant_person"))
    return client


@pytest.mark.parametrize("exc", [LOST, InterfaceError("connection already closed")], ids=["lost", "closed"])
def test_the_api_answers_503_with_retry_after_in_its_error_shape(applicant_api, monkeypatch, settings, exc):
    settings.DB_UNAVAILABLE_RETRY_AFTER = 3
    monkeypatch.setattr(selectors_claims, "claim_list_for", failing(exc))
    response = applicant_api.get("/api/v1/subsidies/claims/")
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "3" and response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "database_unavailable", "message": MESSAGE_ZH}}


def test_the_api_message_follows_the_language_asked_for(applicant_api, monkeypatch):
    monkeypatch.setattr(selectors_claims, "claim_list_for", failing(LOST))
    response = applicant_api.get("/api/v1/subsidies/claims/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json()["error"]["message"].startswith("The database cannot be reached right now")


def test_a_page_answers_a_503_page_in_chinese(applicant_pages, monkeypatch):
    monkeypatch.setattr(selectors_claims, "claim_list_for", failing(LOST))
    response = applicant_pages.get("/subsidies/claims/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "服务暂时不可用" in page and MESSAGE_ZH in page and "server closed" not in page


def test_a_database_lost_inside_a_middleware_is_a_503_too(monkeypatch):
    """The session is read by the middlewares before any view: the 500 handler sees that fault."""
    client = Client(raise_request_exception=False)
    client.force_login(make_user("applicant_person"))
    monkeypatch.setattr(SessionStore, "load", failing(OperationalError("could not connect to server: refused")))
    page = client.get("/subsidies/claims/")
    assert page.status_code == 503 and "服务暂时不可用" in page.content.decode()
    api = client.get("/api/v1/subsidies/claims/")
    assert api.status_code == 503 and api.json()["error"]["code"] == "database_unavailable"


def test_an_error_raised_while_the_database_was_lost_is_a_503(applicant_api, monkeypatch):
    def lost_then_broken(*args, **kwargs):
        try:
            raise LOST
        except OperationalError as exc:
            raise RuntimeError("cleanup failed") from exc

    monkeypatch.setattr(selectors_claims, "claim_list_for", lost_then_broken)
    assert applicant_api.get("/api/v1/subsidies/claims/").status_code == 503


def test_any_other_fault_is_still_a_500(monkeypatch, applicant_pages):
    monkeypatch.setattr(selectors_claims, "claim_list_for", failing(RuntimeError("a bug")))
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(make_user("applicant_person"))
    response = api.get("/api/v1/subsidies/claims/")
    assert response.status_code == 500 and response.json()["error"]["code"] == "server_error"
    assert "Retry-After" not in response
    assert applicant_pages.get("/subsidies/claims/").status_code == 500


def test_with_a_database_url_connections_are_health_checked_so_they_recover_after_a_restart():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "DEMO_MODE": "1", "TESTING": "0"})
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'guangyuan_jobs.settings'); "
            "django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
            "print(d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'] > 0, s.DB_UNAVAILABLE_RETRY_AFTER)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["True", "True", "5"], result.stderr[-2000:]
