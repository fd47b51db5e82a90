"""The kind registry: each business app declares its claim and application kinds here (in AppConfig.ready).

Casework stays generic: the inbox, the transitions, the time limits and the batches work for every kind,
and the kind supplies its label, materials, time limit, eligibility and amount.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Material:
    code: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class AmountQuote:
    """An amount with its explanation ("why this amount"), for the case page."""

    amount: Decimal
    explanation: str
    parameters: tuple[dict, ...] = ()  # ParameterValue.as_snapshot() of each parameter used


@dataclass(frozen=True)
class CaseKind:
    code: str  # "SYBZJ": also the prefix of the public reference, SYBZJ-2026-7K3M9Q2X
    label: str
    applicant_type: str  # "person" or "enterprise"
    materials: tuple[Material, ...] = ()
    # Policy key whose value is the working days allowed from acceptance to decision.
    time_limit_parameter: str = "casework.time_limit_days.default"
    fund_source: str = ""
    # Whether approval is followed by public notice (公示) before payment; False pays straight after approval.
    public_notice: bool = True
    # Reasons the case is not eligible (empty list: eligible). Takes the case.
    eligibility: Callable | None = None
    # The amount and its explanation. Takes the case.
    amount: Callable | None = None
    # Effects of a move on the kind's own tables, run inside the move's transaction once the cases moved:
    # on_transition(cases=[...], action="approve", actor=user). A batch passes a chunk's cases at once, as
    # they were read before the move; a first of two approvals (no move) is not passed. Raising an
    # ApplicationError undoes the move.
    on_transition: Callable | None = None
    # Where an action on a case is taken on the kind's own page instead of casework's plain button (e.g. the
    # firm submits a 免申即享 refund by confirming its bank account): action_url(case=..., action="submit") ->
    # a URL, or "" to keep casework's button. The kind's on_transition refuses the plain action itself.
    action_url: Callable | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)


_REGISTRY: dict[str, CaseKind] = {}


def register_kind(kind: CaseKind) -> CaseKind:
    existing = _REGISTRY.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"case kind {kind.code} is registered twice with different definitions")
    _REGISTRY[kind.code] = kind
    return kind


def get_kind(code: str) -> CaseKind:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"unknown case kind {code!r}") from None


def all_kinds() -> list[CaseKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.code)


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds()]


# Holds on payment that business apps declare (e.g. a running public notice or an open objection), so casework
# refuses "pay" without importing them. Each takes case ids and returns {case id: reason} for held cases.
_PAYMENT_HOLDS: list[Callable] = []


def register_payment_hold(check: Callable) -> None:
    if check not in _PAYMENT_HOLDS:
        _PAYMENT_HOLDS.append(check)


# Effects any app adds to every kind's moves (e.g. integrity screens each submitted case), called like a kind's
# on_transition, after it, inside the move's transaction. A hook returns the Celery task to run once the move
# commits (or None): casework queues it together with its own notification, in one broker message
# (core.tasks.publish_on_commit), so every returned task must be safe to run twice.
_TRANSITION_HOOKS: list[Callable] = []


def register_transition_hook(hook: Callable) -> None:
    if hook not in _TRANSITION_HOOKS:
        _TRANSITION_HOOKS.append(hook)


def transition_hooks() -> tuple[Callable, ...]:
    return tuple(_TRANSITION_HOOKS)


def payment_holds(case_ids) -> dict[int, str]:
    ids = list(case_ids)
    held: dict[int, str] = {}
    for check in _PAYMENT_HOLDS:
        for case_id, reason in check(ids).items():
            held.setdefault(case_id, str(reason))
    return held
