"""A list's query parameters given twice, or outside what they take, are refused with a 400 naming them (in
Chinese): the last value quietly winning, or garbage read as "no", would show a caseworker a page or a filter
they did not ask for (the schema fuzzer found `page`)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_user

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


@pytest.fixture
def clerk() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user('intake')).key}")
    return client


def test_a_page_given_twice_is_refused(clerk):
    answer = clerk.get(f"{CASES}?page=2&page=")
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"page": ["此参数只能给一次。"]}
    assert clerk.get(f"{CASES}?page=1").status_code == 200


def test_a_filter_given_twice_is_refused_and_once_is_applied(clerk):
    answer = clerk.get(f"{CASES}?status=submitted&status=paid")
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"status": ["此参数只能给一次。"]}
    assert clerk.get(f"{CASES}?status=submitted").status_code == 200


def test_an_inbox_filter_that_is_not_a_yes_or_no_is_refused(clerk):
    answer = clerk.get("/api/v1/notices/inbox/?unread=maybe")
    assert answer.status_code == 400 and "unread" in answer.json()["error"]["fields"]
    assert clerk.get("/api/v1/notices/inbox/?unread=true").status_code == 200
