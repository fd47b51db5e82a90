"""The check registry: each risk rule (RiskRule.check_code) names a check registered here. Any app may add its
own (`@register_check("code", label=...)` in its AppConfig.ready), so a rule about its data lives with it.

A check takes the cases to screen (all of the kinds the rule applies to) and returns a `Hit` for each case that
trips it. It reads only; integrity turns hits into findings. `available` says whether the check can run here
(e.g. the app whose tables it reads is installed and migrated); a rule whose check is unavailable is skipped
and cannot be switched on.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection


@dataclass(frozen=True)
class Hit:
    case_id: int
    summary: str  # what was found, in the portal's language; ID numbers masked
    evidence: dict = field(default_factory=dict)  # JSON: references, dates, amounts behind it


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    run: Callable[[Sequence], Iterable[Hit]]
    available: Callable[[], bool] = lambda: True


_REGISTRY: dict[str, Check] = {}


def register_check(code: str, *, label, available: Callable[[], bool] | None = None):
    """Decorator: `@register_check("death", label=_("Paid after death"))` over `def check(cases) -> hits`."""

    def decorate(run: Callable[[Sequence], Iterable[Hit]]):
        existing = _REGISTRY.get(code)
        if existing is not None and existing.run is not run:
            raise ValueError(f"check {code} is registered twice")
        _REGISTRY[code] = Check(code=code, label=label, run=run, available=available or (lambda: True))
        return run

    return decorate


def get_check(code: str) -> Check | None:
    check = _REGISTRY.get(code)
    if check is None or not check.available():
        return None
    return check


def check_choices() -> list[tuple[str, str]]:
    return [(c.code, str(c.label)) for c in sorted(_REGISTRY.values(), key=lambda c: c.code) if c.available()]


def tables_exist(*models) -> bool:
    """Whether the tables of `models` exist (an app installed but not yet migrated has none)."""
    try:
        names = set(connection.introspection.table_names())
    except Exception:  # noqa: BLE001 - no database reachable: the check cannot run
        return False
    return all(model._meta.db_table in names for model in models)
