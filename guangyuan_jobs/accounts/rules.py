"""Pure rules of accounts: no database, no request."""

import datetime
import re

# Separation of duties (RELIABILITY.md): whoever runs the system, whoever guards accounts and whoever audits
# are three different people.
EXCLUSIVE_ROLES = frozenset({"admin", "security", "auditor"})

MOBILE_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def role_conflicts(role_codes) -> tuple[str, ...]:
    """The mutually exclusive roles among `role_codes`, sorted; empty when they may be held together."""
    held = sorted(EXCLUSIVE_ROLES.intersection(role_codes))
    return tuple(held) if len(held) > 1 else ()


def password_expired(*, changed_at: datetime.datetime | None, joined_at: datetime.datetime,
                     now: datetime.datetime, max_age_days: int) -> bool:
    """A password never changed is as old as the account."""
    if max_age_days <= 0:
        return False
    return now - (changed_at or joined_at) > datetime.timedelta(days=max_age_days)


def session_expired(*, started_at: datetime.datetime, now: datetime.datetime, max_hours: int) -> bool:
    return now - started_at > datetime.timedelta(hours=max_hours)


def normalise_phone(value: str) -> str:
    """Mainland mobile numbers, with spaces, dashes and a +86/86 prefix dropped; '' when not one."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    return digits if MOBILE_PHONE_RE.match(digits) else ""
