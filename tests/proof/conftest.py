"""Proof-suite fixtures: the reference rows (regions, policy) transactional tests need after a flush."""

from tests.subsidies.claims.conftest import reference_data  # noqa: F401 - a fixture
