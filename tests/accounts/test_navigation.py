import pytest
from django.urls import reverse

from guangyuan_jobs.accounts.context_processors import all_nav_items
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_navigation_item_has_its_page():
    # The menu skips a page that does not exist rather than break every page, so this test is the guard.
    for item in all_nav_items():
        assert reverse(item.url_name)


def test_security_menu_only_for_the_security_administrator(client):
    client.force_login(make_user("security"))
    assert "账户安全" in client.get("/accounts/me/").content.decode()
    client.force_login(make_user("reviewer"))
    page = client.get("/accounts/me/").content.decode()
    assert "账户安全" not in page
    assert "我的账户" in page
