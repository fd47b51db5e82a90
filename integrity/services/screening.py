"""Screening (疑点筛查): the active risk rules run over cases, and each hit becomes a finding, once per rule and
case, assigned to a verifier who did not handle the case.

Runs on every submitted case (casework's transition hook, after commit, in a task), nightly over the open and
approved-but-unpaid cases, over the same cases for one rule when that rule changes, and over the cases of the
people and firms whose department records a real import changed (paid ones too, within a look-back period,
so that money paid wrongly is found for recovery).
"""

import datetime
import logging
from collections.abc import Iterable, Sequence

from celery.canvas import Signature
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.core.masking import mask_id_numbers_in_text
from guangyuan_jobs.policy.selectors import policy_value
from integrity.checks import Hit, get_check
from integrity.models import Finding, RiskRule

logger = logging.getLogger(__name__)

FINDING_PREFIX = "YD"
# Open cases and approved cases not yet paid: what nightly screening and a rule change look at again.
SCREENED_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.RETURNED, CaseStatus.REVIEWED,
                     CaseStatus.APPROVED, CaseStatus.PUBLICIZED)
SCREEN_ON_ACTIONS = frozenset({"submit", "resubmit"})
PAID_LOOKBACK_KEY = "integrity.screening.paid_lookback_days"
CHUNK_CASES = 500
REFERENCE_ATTEMPTS = 5


def case_handlers(case: Case) -> set[int]:
    """Everyone who moved or filed the case: none of them may verify a finding on it (maker-checker)."""
    handlers = set(CaseTransition.objects.filter(case_id=case.pk, actor__isnull=False)
                   .values_list("actor_id", flat=True))
    handlers |= {getattr(case, f"{role}_id") for role in ("created_by", "submitted_by", "accepted_by", "reviewed_by",
                                                           "first_approved_by", "approved_by", "paid_by")}
    handlers.discard(None)
    return handlers


def _area_q(region_code: str) -> Q:
    """Staff whose area covers a case handled in `region_code`."""
    area = Q(scope=User.Scope.WHOLE_CITY)
    if region_code == CITY_CODE:
        return area | Q(scope=User.Scope.CITY_LEVEL)
    return area | Q(scope=User.Scope.DISTRICT, scope_region_id=region_code[:6])


def verifiers_for(case: Case):
    """Active staff who may verify findings on `case`: the permission, the case in their area, and no hand in
    the case."""
    app_label, codename = "integrity", "verify_finding"
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return User.objects.none()
    return (User.objects.filter(is_active=True, kind=User.Kind.STAFF)
            .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
            .filter(_area_q(case.region_id)).exclude(pk__in=case_handlers(case)).distinct().order_by("pk"))


def _verifier_pick(case: Case) -> User | None:
    """The eligible verifier with the fewest open findings."""
    loads = dict(Finding.objects.filter(status=Finding.Status.OPEN, verifier__isnull=False)
                 .values_list("verifier_id").annotate(n=Count("id")).values_list("verifier_id", "n"))
    candidates = list(verifiers_for(case).values_list("pk", flat=True))
    if not candidates:
        return None
    chosen = min(candidates, key=lambda pk: (loads.get(pk, 0), pk))
    return User.objects.get(pk=chosen)


def _finding_create(*, rule: RiskRule, case: Case, hit: Hit, trigger: str) -> Finding | None:
    """The finding of `rule` on `case`, unless there is one already (the database keeps one per rule and case)."""
    if Finding.objects.filter(rule=rule, case=case).exists():
        return None
    verifier = _verifier_pick(case)
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=FINDING_PREFIX, year=timezone.localdate().year)
        try:
            with transaction.atomic():
                finding = Finding.objects.create(
                    ref=ref, rule=rule, rule_version=rule.version, case=case, severity=rule.severity,
                    summary=mask_id_numbers_in_text(hit.summary)[:4000], evidence=hit.evidence, trigger=trigger,
                    verifier=verifier)
                audit_log(actor=None, event_type="integrity.finding_raised", obj=finding,
                          details={"case": case.ref, "rule": rule.code, "rule_version": rule.version,
                                   "trigger": trigger, "verifier": verifier.pk if verifier else None})
            return finding
        except IntegrityError:
            if Finding.objects.filter(rule=rule, case=case).exists():
                return None  # raised meanwhile by another screening of the same case
            continue  # the reference was taken: draw another
    raise RuntimeError("no free finding reference could be drawn")


def _rules(rule_ids: Iterable[int] | None) -> list[tuple[RiskRule, object]]:
    rules = RiskRule.objects.filter(active=True).order_by("code")
    if rule_ids is not None:
        rules = rules.filter(pk__in=list(rule_ids))
    runnable = []
    for rule in rules:
        check = get_check(rule.check_code)
        if check is not None:
            runnable.append((rule, check))
    return runnable


def cases_screen(*, case_ids: Sequence[int], trigger: str, rule_ids: Iterable[int] | None = None) -> list[Finding]:
    """Run the active rules (or those of `rule_ids`) over the cases; returns the findings raised. A check that
    fails is logged and skipped, so one broken rule never stops the others."""
    cases = list(Case.objects.filter(pk__in=list(case_ids)).select_related("applicant_person",
                                                                             "applicant_enterprise"))
    raised = []
    with translation.override(settings.LANGUAGE_CODE):
        for rule, check in _rules(rule_ids):
            applicable = [case for case in cases if not rule.kinds or case.kind in rule.kinds]
            if not applicable:
                continue
            by_id = {case.pk: case for case in applicable}
            try:
                hits = list(check.run(applicable))
            except Exception:  # noqa: BLE001 - a broken check is reported and the others still run
                logger.exception("integrity check %s failed", rule.check_code)
                continue
            for hit in hits:
                case = by_id.get(hit.case_id)
                if case is not None:
                    finding = _finding_create(rule=rule, case=case, hit=hit, trigger=trigger)
                    if finding is not None:
                        raised.append(finding)
    return raised


def screen_on_transition(*, cases, action: str, actor) -> Signature | None:
    """casework's transition hook: a submitted case is screened once its submission is committed (casework
    queues the task returned with its own; a failure to queue it never undoes or fails the submission, and the
    nightly screening catches the case anyway). Screening twice raises nothing twice (_finding_create)."""
    if action not in SCREEN_ON_ACTIONS:
        return None
    from integrity.tasks import screen_cases

    return screen_cases.si([case.pk for case in cases], Finding.Trigger.SUBMIT)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK_CASES):
        yield ids[start:start + CHUNK_CASES]


def open_cases_screen(*, trigger: str, rule_ids: Iterable[int] | None = None) -> int:
    """Screen every open and approved-unpaid case, in chunks; returns the number of findings raised."""
    rule_ids = list(rule_ids) if rule_ids is not None else None
    ids = list(Case.objects.filter(status__in=SCREENED_STATUSES).order_by("pk").values_list("pk", flat=True))
    raised = sum(len(cases_screen(case_ids=chunk, trigger=trigger, rule_ids=rule_ids)) for chunk in _chunks(ids))
    logger.info("integrity screening (%s) of %d cases raised %d findings", trigger, len(ids), raised)
    return raised


def subjects_screen(*, person_hashes: Sequence[str], credit_codes: Sequence[str]) -> int:
    """Screen the cases of these people and firms after their department records changed: open and unpaid
    ones, and those paid within the look-back period (policy), whose money may have to be recovered."""
    today = timezone.localdate()
    lookback = int(policy_value(PAID_LOOKBACK_KEY, on=today, region=CITY_CODE))
    since = timezone.now() - datetime.timedelta(days=lookback)
    subjects = Q(applicant_person__id_number_hash__in=list(person_hashes)) | Q(
        applicant_enterprise__credit_code__in=list(credit_codes))
    ids = list(Case.objects.filter(subjects).filter(Q(status__in=SCREENED_STATUSES)
                                                    | Q(status=CaseStatus.PAID, paid_at__gte=since))
               .order_by("pk").values_list("pk", flat=True))
    return sum(len(cases_screen(case_ids=chunk, trigger=Finding.Trigger.IMPORT)) for chunk in _chunks(ids))
