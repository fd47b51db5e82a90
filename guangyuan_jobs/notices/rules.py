"""Pure rules of notices and notifications: which move issues which notice, notice numbers, retry backoff,
when a reminder is due, and what happens next to a case. No database and no request."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.notices.models import NoticeKind

K = NoticeKind
S = CaseStatus

# The notices each case move issues (the action codes of casework.rules.ACTIONS).
NOTICES_FOR_ACTION: dict[str, tuple[str, ...]] = {
    "submit": (K.RECEIPT,),
    "resubmit": (K.RECEIPT,),
    "accept": (K.ACCEPTANCE,),
    "accept_incomplete": (K.ACCEPTANCE, K.CORRECTION),
    "return": (K.CORRECTION,),
    "reject": (K.NON_ACCEPTANCE,),
    "approve": (K.APPROVAL,),
    "refuse": (K.REFUSAL,),
}
ACTIONS_FOR_NOTICE: dict[str, tuple[str, ...]] = {
    kind: tuple(action for action, kinds in NOTICES_FOR_ACTION.items() if kind in kinds) for kind in K.values
}

# The word of each kind in its number, as on paper: 广就受〔2026〕000001号.
NUMBER_WORDS = {K.RECEIPT: "回", K.ACCEPTANCE: "受", K.NON_ACCEPTANCE: "不受", K.CORRECTION: "补",
                K.APPROVAL: "准", K.REFUSAL: "不准"}
NUMBER_CODES = {K.RECEIPT: "HZ", K.ACCEPTANCE: "SL", K.NON_ACCEPTANCE: "BSL", K.CORRECTION: "BZ",
                K.APPROVAL: "ZY", K.REFUSAL: "BZY"}

CITY_REGION = "510800"


def issuing_unit(*, region_code: str, region_name: str) -> str:
    """The unit that handles and signs for a case of this region."""
    if region_code == CITY_REGION:
        return "广元市就业创业促进中心"
    return f"广元市{region_name}就业创业促进中心"


def reconsideration_body(*, region_code: str, region_name: str) -> str:
    # 行政复议法（2023年修订）第二十四条: the government at the same level hears appeals against its departments.
    return "广元市人民政府" if region_code == CITY_REGION else f"{region_name}人民政府"


# Decisions that may be appealed (行政复议 / 行政诉讼) carry the appeal route.
APPEALABLE = frozenset({K.NON_ACCEPTANCE, K.REFUSAL})


def notice_number(*, kind: str, year: int, sequence: int) -> str:
    """The public number, safe in a URL: SL-2026-000001."""
    return f"{NUMBER_CODES[kind]}-{year}-{sequence:06d}"


def notice_document_number(*, kind: str, year: int, sequence: int) -> str:
    """The number as printed: 广就受〔2026〕000001号."""
    return f"广就{NUMBER_WORDS[kind]}〔{year}〕{sequence:06d}号"


# SMS delivery: a failed send is tried again after 1, 4, 16, 64 minutes, then given up and shown to staff.
SMS_MAX_ATTEMPTS = 5
RETRY_BASE = datetime.timedelta(minutes=1)


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait before the next try, after `attempts` failed tries (1 or more)."""
    return RETRY_BASE * (4 ** max(0, attempts - 1))


# Reminders are texted in daytime only (Asia/Shanghai); the hourly job catches up once the morning comes.
REMINDER_SEND_HOURS = range(8, 21)


def reminder_due(*, today: datetime.date, due_date: datetime.date, working_days_left: int, lead_days: int) -> bool:
    """A reminder goes out once the due date is `lead_days` working days away or nearer, and not after it
    (the last day to supply is the due date itself). A day the job did not run is caught up the next day."""
    return due_date >= today and working_days_left <= lead_days


@dataclass(frozen=True)
class NextStep:
    """What happens next to a case, who holds it, and by when."""

    what: str
    holder: str  # a role of the Center, or the applicant
    holder_is_applicant: bool
    due: datetime.date | None
    overdue: bool
    closed: bool = False


HOLDER_APPLICANT = _("You (the applicant)")


def next_step(*, status: str, today: datetime.date, decision_due: datetime.date | None,
              material_due: datetime.date | None, open_missing: int, public_notice: bool,
              payment_pending: bool, unit: str, applicant_view: bool) -> NextStep:
    applicant = HOLDER_APPLICANT if applicant_view else _("The applicant")

    def centre(role) -> str:
        return f"{unit} · {role}"

    def step(what, holder, due, *, by_applicant=False, closed=False) -> NextStep:
        return NextStep(what=str(what), holder=str(holder), holder_is_applicant=by_applicant, due=due,
                        overdue=due is not None and due < today and not closed, closed=closed)

    if status == S.DRAFT:
        return step(_("Complete the claim and submit it."), applicant, None, by_applicant=True)
    if status == S.SUBMITTED:
        return step(_("The service counter checks the claim and accepts it, or says why not."),
                    centre(_("Intake (受理)")), None)
    if status == S.RETURNED:
        return step(_("Correct the claim as asked and submit it again."), applicant, None, by_applicant=True)
    if status == S.ACCEPTED and open_missing:
        return step(_("Upload the missing materials; the claim lapses if they are not supplied in time."),
                    applicant, material_due, by_applicant=True)
    if status == S.ACCEPTED:
        return step(_("A caseworker reviews the claim against the conditions."), centre(_("Review (审核)")),
                    decision_due)
    if status == S.REVIEWED:
        return step(_("Someone other than the reviewer decides on the claim."), centre(_("Approval (审批)")),
                    decision_due)
    if status == S.APPROVED and public_notice:
        return step(_("The approval is published for public notice, then paid."),
                    centre(_("Approval (审批)")), None)
    if status in (S.APPROVED, S.PUBLICIZED) and payment_pending:
        return step(_("The money is paid to the account on the claim."), centre(_("Finance (发放)")), None)
    closing = {
        S.PAID: _("Paid. Nothing more is needed."),
        S.REJECTED: _("Not accepted. The notice says why and how to appeal."),
        S.REFUSED: _("Refused. The decision says why and how to appeal."),
        S.WITHDRAWN: _("Withdrawn. Nothing more happens."),
        S.LAPSED: _("Lapsed: the missing materials were not supplied in time."),
    }
    return step(closing.get(status, _("Nothing is pending.")), "—", None, closed=True)
