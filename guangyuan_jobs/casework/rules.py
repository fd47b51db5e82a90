"""Pure rules of the case workflow: the actions and who may take them from which status, maker-checker,
public references and upload content types. No database and no request: services and selectors feed the
facts in, so the page and the service can never disagree about what is allowed.
"""

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.models import CLOSED_STATUSES, CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError

S = CaseStatus


class By:
    STAFF = "staff"  # a caseworker with the permission named for the case's current status, in their area
    APPLICANT = "applicant"  # the applicant, or the counter clerk who filed the claim for them
    SYSTEM = "system"  # periodic tasks only; no user may take it


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    # from-status -> the permission a staff member needs to take the action from it (None for applicant
    # and system actions, whose rights are checked by `By`).
    sources: Mapping[str, str | None]
    target: str
    by: str
    reason_required: bool = False
    # The column naming who took the action (maker-checker reads them) and the time column it sets.
    actor_field: str = ""
    time_field: str = ""
    batchable: bool = False
    button: str = "primary"  # Bootstrap colour of its button
    confirm: bool = False  # the page asks "really?" first: the action closes the case


ACCEPT = "casework.accept_case"
REVIEW = "casework.review_case"
APPROVE = "casework.approve_case"
PAY = "casework.pay_case"

ACTIONS: dict[str, Action] = {a.code: a for a in (
    Action("submit", _("Submit"), {S.DRAFT: None}, S.SUBMITTED, By.APPLICANT,
           actor_field="submitted_by", time_field="submitted_at"),
    Action("accept", _("Accept"), {S.SUBMITTED: ACCEPT}, S.ACCEPTED, By.STAFF,
           actor_field="accepted_by", time_field="accepted_at", batchable=True, button="success"),
    # 容缺受理: accepted now, the listed materials supplied later by a due date.
    Action("accept_incomplete", _("Accept with missing materials"), {S.SUBMITTED: ACCEPT}, S.ACCEPTED, By.STAFF,
           actor_field="accepted_by", time_field="accepted_at", button="outline-success"),
    Action("reject", _("Do not accept"), {S.SUBMITTED: ACCEPT}, S.REJECTED, By.STAFF, reason_required=True,
           time_field="decided_at", button="outline-danger", confirm=True),
    # 退回补正: back to the applicant for correction; whoever holds the case at its stage may return it.
    Action("return", _("Return for correction"), {S.SUBMITTED: ACCEPT, S.ACCEPTED: REVIEW, S.REVIEWED: APPROVE},
           S.RETURNED, By.STAFF, reason_required=True, button="outline-warning"),
    Action("resubmit", _("Resubmit"), {S.RETURNED: None}, S.SUBMITTED, By.APPLICANT,
           actor_field="submitted_by", time_field="submitted_at"),
    Action("review", _("Review"), {S.ACCEPTED: REVIEW}, S.REVIEWED, By.STAFF,
           actor_field="reviewed_by", batchable=True, button="success"),
    Action("approve", _("Approve"), {S.REVIEWED: APPROVE}, S.APPROVED, By.STAFF,
           actor_field="approved_by", time_field="decided_at", batchable=True, button="success"),
    # Refused at review, at approval, or after approval when an objection during public notice holds.
    Action("refuse", _("Refuse"), {S.ACCEPTED: REVIEW, S.REVIEWED: APPROVE, S.APPROVED: APPROVE,
                                   S.PUBLICIZED: APPROVE},
           S.REFUSED, By.STAFF, reason_required=True, time_field="decided_at", button="outline-danger", confirm=True),
    Action("publicize", _("Publish for public notice"), {S.APPROVED: "casework.publicize_case"}, S.PUBLICIZED,
           By.STAFF, batchable=True),
    Action("pay", _("Pay"), {S.PUBLICIZED: PAY, S.APPROVED: PAY}, S.PAID, By.STAFF,
           actor_field="paid_by", time_field="paid_at", batchable=True, button="success"),
    Action("withdraw", _("Withdraw"), {S.DRAFT: None, S.SUBMITTED: None, S.RETURNED: None, S.ACCEPTED: None,
                                       S.REVIEWED: None},
           S.WITHDRAWN, By.APPLICANT, button="outline-secondary", confirm=True),
    Action("lapse", _("Lapse"), {S.ACCEPTED: None, S.REVIEWED: None}, S.LAPSED, By.SYSTEM,
           time_field="decided_at"),
)}

BATCH_ACTIONS = tuple(code for code, a in ACTIONS.items() if a.batchable)

# The time limit runs while the Center holds the case; returned cases wait for the applicant.
PENDING_DECISION_STATUSES = (S.SUBMITTED, S.ACCEPTED, S.REVIEWED)


def is_overdue(*, status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    return due_date is not None and due_date < today and status in PENDING_DECISION_STATUSES


@dataclass(frozen=True)
class ActorView:
    """What the rules need to know of the actor, for one case."""

    user_id: int | None  # None: the system
    is_applicant: bool
    permissions: frozenset[str]
    owns_case: bool  # the case's applicant is this user's person or enterprise
    in_scope: bool  # the case is in this staff member's area


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need beyond the case's own columns."""

    open_missing: int  # missing materials not yet supplied
    public_notice: bool  # the kind publishes approvals before payment
    payment_pending: bool  # a payment order waits to be paid
    payment_hold: str = ""  # why payment is held (public notice running, objection open), from the kinds


def transition_refusal(action: Action, *, case, actor: ActorView, facts: CaseFacts,
                       seen_version: int | None = None) -> ApplicationError | None:
    """Why `actor` may not take `action` on `case` now, or None when they may.

    Order matters for the answer the user gets: who may act at all (403), then whether the case moved on
    since they looked (409), then the rules of the stage (403 maker-checker, 400 missing materials).
    """
    label = str(action.label)
    perms = actor.permissions
    if action.by == By.SYSTEM:
        if actor.user_id is not None:
            return ForbiddenError(_("Only the system takes this action."))
    elif actor.user_id is None:
        return ForbiddenError(_("Sign in to act on a case."))
    elif action.by == By.APPLICANT:
        own = actor.is_applicant and actor.owns_case and "casework.file_case" in perms
        # A counter clerk acts for the applicant only on the claims they filed for them: a claim filed online
        # is withdrawn or resubmitted by its applicant, never by a clerk passing by.
        counter = (not actor.is_applicant and actor.in_scope and "casework.file_case_for_other" in perms
                   and case.created_by_id == actor.user_id)
        if not (own or counter):
            return ForbiddenError(_("Only the applicant, or a clerk filing for them, may do this."))
    elif actor.is_applicant or not actor.in_scope or not perms.intersection(action.sources.values()):
        return ForbiddenError(gettext("You may not take the action “%(action)s”.") % {"action": label})

    if seen_version is not None and seen_version != case.version:
        return ConflictError(_("This case changed since you opened it. Reload the page to see it as it is now."),
                             code="stale", extra={"version": case.version, "status": case.status})
    if case.status not in action.sources:
        return ConflictError(
            gettext("This case is now “%(status)s”: the action “%(action)s” is not possible.")
            % {"status": S(case.status).label, "action": label},
            code="invalid_status", extra={"version": case.version, "status": case.status},
        )
    needed = action.sources[case.status]
    if action.by == By.STAFF and needed not in perms:
        return ForbiddenError(gettext("You may not take the action “%(action)s” at this stage.") % {"action": label})

    if action.code == "approve":
        if actor.user_id == case.first_approved_by_id:
            return ForbiddenError(_("You gave the first approval; a second, different approver must give the "
                                    "second."), code="maker_checker")
        if actor.user_id in (case.submitted_by_id, case.accepted_by_id, case.reviewed_by_id):
            return ForbiddenError(_("You filed, accepted or reviewed this case, so another colleague must "
                                    "approve it."), code="maker_checker")
        if facts.open_missing:
            return ApplicationError(_("Approval waits until every missing material has been supplied."),
                                    code="materials_missing")
    elif action.code == "pay":
        if actor.user_id in (case.approved_by_id, case.first_approved_by_id):
            return ForbiddenError(_("You approved this case, so another colleague must pay it."),
                                  code="maker_checker")
        if case.status == S.APPROVED and facts.public_notice:
            return ApplicationError(_("This kind of case is paid only after its public notice."),
                                    code="notice_required")
        if not facts.payment_pending:
            return ApplicationError(_("This case has no payment order waiting."), code="no_payment_order")
        if facts.payment_hold:
            return ApplicationError(facts.payment_hold, code="payment_held")
    return None


# Materials cannot be added once the case is decided and closed, or paid.
UPLOAD_CLOSED_STATUSES = (*CLOSED_STATUSES, S.PAID)
# Staff who put papers into a case: the counter clerk filing for someone, and intake scanning what was handed in.
UPLOADER_STAFF_PERMISSIONS = frozenset({"casework.file_case_for_other", "casework.accept_case"})


def material_upload_refusal(*, actor: ActorView, status: str) -> ApplicationError | None:
    """Why `actor` may not add a material to a case in `status` they can see, or None."""
    own = actor.owns_case and "casework.file_case" in actor.permissions
    counter = not actor.is_applicant and actor.in_scope and bool(actor.permissions & UPLOADER_STAFF_PERMISSIONS)
    if not (own or counter):
        return ForbiddenError(_("You may not add materials to this case."))
    if status in UPLOAD_CLOSED_STATUSES:
        return ApplicationError(_("This case is closed: no more materials can be added."), code="case_closed")
    return None


# 31 characters without 0/O, 1/I/L: read aloud or copied from paper without mistakes.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_RANDOM_LENGTH = 8  # 31**8 ≈ 8.5e11 possibilities: a reference cannot be guessed from another


def reference_new(*, kind_code: str, year: int) -> str:
    """`SYBZJ-2026-7K3M9Q2X`: kind, year and random characters, never a sequence an applicant could walk."""
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH))
    return f"{kind_code}-{year}-{tail}"


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str


# Accepted upload types, recognised by their first bytes, never by the file's name or the browser's word.
FILE_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType("application/pdf", "PDF")),
    (b"\xff\xd8\xff", FileType("image/jpeg", "JPEG")),
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", "PNG")),
)
SNIFF_BYTES = 16


def file_type_sniff(head: bytes) -> FileType | None:
    for signature, file_type in FILE_SIGNATURES:
        if head.startswith(signature):
            return file_type
    return None


# Why a batch left a case alone (or what it did short of the full move), by refusal code.
SKIP_REASONS = {
    "stale": _("Moved on: changed since the batch was started"),
    "invalid_status": _("Moved on: no longer at this stage"),
    "forbidden": _("Not permitted for you"),
    "maker_checker": _("Maker-checker: you handled an earlier step of this case"),
    "materials_missing": _("Missing materials not yet supplied"),
    "notice_required": _("Public notice comes first"),
    "no_payment_order": _("No payment order"),
    "policy_parameter_missing": _("No policy parameter in force for this case"),
    "first_approval": _("First of two approvals recorded; a second approver is needed"),
    "payment_held": _("Payment held: public notice running or an objection open"),
}
