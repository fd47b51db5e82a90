"""Every route x every role x GET/POST x own/other's object, against the table in matrix.py. The routes come
from the URL resolver, so a new page or endpoint fails here until the table says who may use it."""

import re

import pytest
from django.test import Client

from tests.access.matrix import MATRIX
from tests.access.world import ACTORS, APPLICANTS, routes

pytestmark = pytest.mark.django_db

ROUTES = routes()
METHODS = ("GET", "POST")
# The owner of each side's objects: the demo applicant (or the demo firm, for firm objects) in 利州, the other
# applicant in 苍溪; and the district reviewer's side.
OWNERS = {"lizhou": {"applicant", "enterprise"}, "cangxi": {"other"}}
DISTRICT_SIDE = "cangxi"


def url_for(pattern: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), pattern)


def outcome(response) -> str:
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code == 405:
        return "405"
    if response.status_code in (401, 403, 404) or "/accounts/login/" in response.get("Location", ""):
        return "deny"
    return "ok"


def expected(access, method: str, actor: str, side: str, owners: set[str]) -> set[str]:
    allowed = access.allowed(method)
    if allowed is None:
        return {"405", "deny"}
    if not access.scoped:
        return {"ok"} if actor in allowed else {"deny"}
    if actor in APPLICANTS:
        return {"ok"} if "owner" in allowed and actor in owners else {"deny"}
    if actor == "cangxi":
        return {"ok"} if "district" in allowed and side == DISTRICT_SIDE else {"deny"}
    return {"ok"} if actor in allowed else {"deny"}


def test_the_matrix_names_only_real_routes():
    assert not set(MATRIX) - {name for name, _ in ROUTES}


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[name for name, _ in ROUTES])
def test_route_answers_every_role_as_the_matrix_says(world_media, name, pattern):
    world = world_media
    assert name in MATRIX, f"/{pattern} ({name}) is not in tests/access/matrix.py: say who may use it"
    access = MATRIX[name]
    wrong = []
    for side in ("lizhou", "cangxi") if access.scoped else ("lizhou",):
        objects = world.objects[side]
        url = url_for(pattern, {**objects["default"], **objects.get(name, {})})
        # `owners` says which of the 利州 accounts (the demo person or the demo firm) owns that side's object.
        owners = OWNERS[side] & set(access.owners or OWNERS[side]) if side == "lizhou" else OWNERS[side]
        for actor in ACTORS:
            client = Client(raise_request_exception=False)
            if actor != "anonymous":
                client.force_login(world.users[actor])
            for method in METHODS:
                got = outcome(client.generic(method, url))
                want = expected(access, method, actor, side, owners)
                if got not in want:
                    wrong.append(f"{method} {url} as {actor}: {got}, expected {'/'.join(sorted(want))}")
    assert not wrong, "\n".join(wrong)
