"""The hash chain's arithmetic: pure functions over an event's stored fields."""

import datetime
import hashlib
import json
from collections.abc import Mapping

# The fields an event's row hash covers, read back from the database exactly as stored.
CHAIN_FIELDS = ("id", "occurred_at", "actor_id", "actor_username", "source_ip", "event_type", "object_type",
                "object_id", "outcome", "details")
# The chain's starting value, before the first event.
GENESIS = "0" * 64


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        # UTC with microseconds: the same instant always gives the same text, whatever the session time zone.
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_canonical_json(fields: Mapping) -> bytes:
    """A byte string that changes when any covered field changes, independent of key order or engine."""
    data = {name: _canonical_value(fields[name]) for name in CHAIN_FIELDS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(fields: Mapping) -> str:
    return hashlib.sha256(event_canonical_json(fields)).hexdigest()


def chain_hash(previous: str, this_row_hash: str) -> str:
    return hashlib.sha256((previous + this_row_hash).encode()).hexdigest()
