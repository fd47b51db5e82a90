import pytest
from django.db import transaction
from django.test import override_settings

from tests.access.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end."""
    media_root = str(tmp_path_factory.mktemp("access-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(media_root)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world_media(world, settings):
    settings.MEDIA_ROOT = world.media_root
    return world
