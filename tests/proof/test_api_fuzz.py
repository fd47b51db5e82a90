"""Schemathesis against /api/schema/: every operation in the published schema, each example sent as a user of
one of the portal's roles (or as nobody). No answer may be a server error, every answer must be one the schema
documents in the shape it documents, input outside the schema must be refused with a 4xx, and an operation
that needs a signed-in user must refuse the same request without credentials or with a wrong token.

The operations come from the live schema, so an API added by any app is fuzzed from the day it lands.
The run is repeatable (a fixed seed); FUZZ_SEED=<n> explores other examples, FUZZ_EXAMPLES=<n> more of them."""

import hashlib
import os
import zlib

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import make_user

# Every kernel role and both applicant kinds; None sends no credentials at all.
ROLES = (None, "applicant_person", "applicant_enterprise", "intake", "entry", "reviewer", "approver", "finance",
         "manager", "auditor", "security", "admin", "policy", "archive")
# Fixed token keys, so an example can carry its user's token before the test's database rows exist.
TOKENS = {role: hashlib.sha1(f"proof-fuzz-{role}".encode()).hexdigest() for role in ROLES if role}  # noqa: S324
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Schema-valid input may still break a business rule (an ID number's check digit, a reference that does not
# exist, a claim in the wrong state); the schema cannot say so, so a 4xx to schema-valid input is no failure.
NOT_CHECKED = [positive_data_acceptance]

CONFIG = schemathesis.Config.from_dict({
    "cache": {"enabled": False},
    "seed": int(os.environ.get("FUZZ_SEED", "20261128")),
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all", "database": "none"},
})
# Loaded when the module is collected (the schema view reads no table); each operation becomes its own test.
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@schema.hook
def filter_query(context, query):
    """An empty filter parameter means "no filter", as a web form sends it; not a schema violation to refuse."""
    return not any(value == "" for value in (query or {}).values())


def _role_for(case) -> str | None:
    """A role chosen from the example itself, so a failing example replays with the same user."""
    seed = repr((case.method, case.path_parameters, case.query, case.body)).encode()
    return ROLES[zlib.crc32(seed) % len(ROLES)]


@schema.auth(refresh_interval=None)
class RoleToken:
    """The example's user, by DRF token; the auth checks then send it again without one and with a wrong one."""

    def get(self, case, context):
        return _role_for(case)

    def set(self, case, role, context):
        if role:
            case.headers = {**(case.headers or {}), "Authorization": f"Token {TOKENS[role]}"}


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as in production; inside a test that
    would close the test's own transaction (PostgreSQL). Django's test client detaches the same signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_within_its_schema_for_every_role(case, db, _keep_the_test_connection):
    if not Token.objects.filter(key=TOKENS["admin"]).exists():
        for role, key in TOKENS.items():
            Token.objects.create(user=make_user(role), key=key)
    case.call_and_validate(excluded_checks=NOT_CHECKED)
