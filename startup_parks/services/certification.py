"""Certification against the scored standard, and periodic re-evaluation by the same flow.

apply (the operator, with evidence; or a re-evaluation opened by staff) -> one score sheet per evaluator (the
total computed; an evaluator may not score a park their own organisation runs, nor an application they filed)
-> a decision by someone who neither filed nor scored it (maker-checker): certified (a certificate valid for
`parks.certificate.validity_years`, the 以奖代补 award for a demonstration park's first certification) or
refused with a reason. A refused re-evaluation withdraws the certificate in force. Nothing is deleted: every
application, score sheet and certificate stays as the park's history.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.policy.selectors import policy_parameter
from startup_parks import rules
from startup_parks.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationPurpose,
    ApplicationStatus,
    Certificate,
    CertificateStatus,
    CertificationApplication,
    CriterionScore,
    Evaluation,
    Evidence,
    Park,
    ParkAward,
    ParkStatus,
)
from startup_parks.selectors import is_operator
from startup_parks.services.common import checked_upload, fresh_ref, require_staff_perm, require_visible, safe_name

EVALUATE = "startup_parks.evaluate_park"
DECIDE = "startup_parks.decide_certification"
CERTIFIED, REFUSED = "certified", "refused"


def _open_application(*, park: Park, purpose: str, note: str, actor) -> CertificationApplication:
    today = timezone.localdate()
    params = {key: policy_parameter(key, on=today, region=park.region_id) for key in rules.APPLICATION_KEYS}
    criteria = rules.criteria_for(params[rules.CRITERIA_KEY].value, park.kind)
    if not criteria:
        raise ApplicationError(_("No standard is in force for this kind of park."), code="no_standard")
    try:
        with transaction.atomic():
            application = CertificationApplication.objects.create(
                ref=fresh_ref(CertificationApplication, "YQRD"), park=park, purpose=purpose,
                criteria=[c.as_json() for c in criteria], pass_mark=Decimal(str(params[rules.PASS_MARK_KEY].value)),
                parameters={key: p.as_snapshot() for key, p in params.items()}, note=(note or "").strip()[:2000],
                submitted_by=actor)
    except IntegrityError:
        raise ConflictError(_("This park already has an application being evaluated."),
                            code="application_open") from None
    return application


def _store_evidence(application: CertificationApplication, criterion_code: str, upload, actor) -> Evidence:
    codes = {c["code"] for c in application.criteria}
    if criterion_code not in codes:
        raise ApplicationError(_("Choose which criterion this file supports."), code="criterion_unknown")
    content_type, size, sha256 = checked_upload(upload)
    item = Evidence(application=application, criterion_code=criterion_code, original_name=safe_name(upload.name),
                    content_type=content_type, size=size, sha256=sha256, uploaded_by=actor)
    item.file.save("upload", upload, save=False)  # the storage name comes from evidence_path, never the upload's
    item.save()
    return item


@transaction.atomic
def certification_apply(*, park: Park, evidence: dict | None = None, note: str = "", actor) -> CertificationApplication:
    """The park's operator applies for certification (or, while certified, for its re-evaluation), with evidence
    files per criterion: {criterion code: [uploaded files]}."""
    if not is_operator(actor, park):
        raise ForbiddenError(_("Only the park's operator applies for its certification."))
    park = Park.objects.select_for_update().get(pk=park.pk)
    purpose = ApplicationPurpose.REEVALUATION if park.status == ParkStatus.CERTIFIED else ApplicationPurpose.INITIAL
    application = _open_application(park=park, purpose=purpose, note=note, actor=actor)
    stored = [_store_evidence(application, code, upload, actor)
              for code, uploads in (evidence or {}).items() for upload in uploads]
    audit_log(actor=actor, event_type="startup_parks.application.submit", obj=application,
              details={"park": park.ref, "purpose": purpose, "evidence": [(e.criterion_code, e.sha256) for e in stored],
                       "pass_mark": str(application.pass_mark)})
    return application


@transaction.atomic
def reevaluation_open(*, park: Park, actor) -> CertificationApplication:
    """The Center opens the periodic re-evaluation of a certified park (the operator adds its evidence)."""
    if not (actor and actor.is_authenticated and not actor.is_applicant
            and (actor.has_perm(EVALUATE) or actor.has_perm(DECIDE))):
        raise ForbiddenError(_("Your role may not do this."))
    require_visible(actor, park)
    park = Park.objects.select_for_update().get(pk=park.pk)
    if park.status != ParkStatus.CERTIFIED:
        raise ApplicationError(_("Only a certified park is re-evaluated."), code="not_certified")
    application = _open_application(park=park, purpose=ApplicationPurpose.REEVALUATION, note="", actor=actor)
    audit_log(actor=actor, event_type="startup_parks.reevaluation.open", obj=application,
              details={"park": park.ref, "certified_until": park.certified_until.isoformat()})
    return application


@transaction.atomic
def evidence_add(*, application: CertificationApplication, criterion_code: str, upload, actor) -> Evidence:
    if not is_operator(actor, application.park):
        raise ForbiddenError(_("Only the park's operator adds evidence."))
    application = CertificationApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in OPEN_APPLICATION_STATUSES:
        raise ApplicationError(_("This application is decided; it takes no more evidence."), code="decided")
    item = _store_evidence(application, (criterion_code or "").strip(), upload, actor)
    audit_log(actor=actor, event_type="startup_parks.evidence.add", obj=application,
              details={"criterion": item.criterion_code, "sha256": item.sha256, "size": item.size})
    return item


def conflict_of_interest(actor, application: CertificationApplication) -> str | None:
    """Why `actor` may not score or decide this application, or None."""
    if actor.enterprise_id and actor.enterprise_id == application.park.operator_id:
        return _("Your organisation runs this park: you may not evaluate it.")
    if application.submitted_by_id == actor.pk:
        return _("You opened this application: you may not evaluate it.")
    return None


@transaction.atomic
def evaluation_submit(*, application: CertificationApplication, scores: dict, comment: str = "", actor) -> Evaluation:
    """One evaluator's score per criterion; the sheet's total and the application's (the mean) are computed."""
    require_staff_perm(actor, EVALUATE)
    require_visible(actor, application.park)
    application = CertificationApplication.objects.select_for_update().select_related("park").get(pk=application.pk)
    reason = conflict_of_interest(actor, application)
    if reason:
        raise ForbiddenError(reason, code="conflict_of_interest")
    if application.status not in OPEN_APPLICATION_STATUSES:
        raise ApplicationError(_("This application is decided; it takes no more scores."), code="decided")
    if application.evaluations.filter(evaluator=actor).exists():
        raise ConflictError(_("You have already scored this application."), code="already_scored")
    sheet, errors = rules.score_sheet(rules.criteria_from_snapshot(application.criteria), scores or {})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(application=application, evaluator=actor, total=sheet.total,
                                                   comment=(comment or "").strip()[:2000])
    except IntegrityError:
        raise ConflictError(_("You have already scored this application."), code="already_scored") from None
    CriterionScore.objects.bulk_create([CriterionScore(evaluation=evaluation, criterion_code=code, score=score)
                                        for code, score in sheet.scores.items()])
    totals = list(application.evaluations.values_list("total", flat=True))
    application.total_score = rules.application_total(totals)
    application.status = ApplicationStatus.EVALUATING
    application.version = F("version") + 1
    application.save(update_fields=["total_score", "status", "version"])
    audit_log(actor=actor, event_type="startup_parks.evaluation.submit", obj=application,
              details={"scores": {k: str(v) for k, v in sheet.scores.items()}, "total": str(sheet.total),
                       "application_total": str(application.total_score)})
    return evaluation


def _missing_evidence(application: CertificationApplication) -> list[str]:
    supplied = set(application.evidence.values_list("criterion_code", flat=True))
    return [c["label"] for c in application.criteria if c.get("evidence") and c["code"] not in supplied]


@transaction.atomic
def certification_decide(*, application: CertificationApplication, decision: str, reason: str = "",
                         version: int, actor) -> CertificationApplication:
    require_staff_perm(actor, DECIDE)
    require_visible(actor, application.park)
    application = CertificationApplication.objects.select_for_update().select_related("park").get(pk=application.pk)
    if application.version != version or application.status not in OPEN_APPLICATION_STATUSES:
        raise ConflictError(_("This application changed meanwhile. Reload the page and try again."), code="stale")
    if decision not in (CERTIFIED, REFUSED):
        raise ApplicationError(_("Choose certified or refused."), code="invalid")
    evaluators = set(application.evaluations.values_list("evaluator_id", flat=True))
    if actor.pk in evaluators or actor.pk == application.submitted_by_id:
        raise ForbiddenError(_("Maker-checker: who filed or scored an application may not decide it."),
                             code="maker_checker")
    reason_conflict = conflict_of_interest(actor, application)
    if reason_conflict:
        raise ForbiddenError(reason_conflict, code="conflict_of_interest")
    needed = int(application.parameters.get(rules.MIN_EVALUATORS_KEY, {}).get("value") or 1)
    if len(evaluators) < needed:
        raise ApplicationError(_("%(needed)d evaluators must score the application first; %(have)d have.")
                               % {"needed": needed, "have": len(evaluators)}, code="evaluations_missing")
    reason = (reason or "").strip()
    passed = rules.passes(application.total_score, application.pass_mark)
    if decision == CERTIFIED:
        if not passed:
            raise ApplicationError(_("The total %(total)s is below the pass mark %(mark)s: it cannot be certified.")
                                   % {"total": application.total_score, "mark": application.pass_mark},
                                   code="below_pass_mark")
        missing = _missing_evidence(application)
        if missing:
            raise ApplicationError(_("Evidence is missing for: %(items)s.") % {"items": "、".join(missing)},
                                   code="evidence_missing")
    elif not reason:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    today = timezone.localdate()
    application.status = ApplicationStatus.CERTIFIED if decision == CERTIFIED else ApplicationStatus.REFUSED
    application.decided_by, application.decided_at, application.decision_reason = actor, timezone.now(), reason
    application.version = F("version") + 1
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "version"])
    park = Park.objects.select_for_update().get(pk=application.park_id)
    details: dict = {"decision": decision, "total": str(application.total_score),
                     "pass_mark": str(application.pass_mark), "reason": reason}
    if decision == CERTIFIED:
        certificate = _certify(park=park, application=application, today=today, actor=actor)
        details.update(certificate=certificate.number, valid_to=certificate.valid_to.isoformat())
        award = _award(park=park, certificate=certificate, today=today, actor=actor)
        if award is not None:
            details["award"] = str(award.amount)
    elif application.purpose == ApplicationPurpose.REEVALUATION and park.status == ParkStatus.CERTIFIED:
        ended = _withdraw(park=park, today=today, reason=reason)
        details["withdrawn"] = ended
    park.version = F("version") + 1
    park.save(update_fields=["status", "certified_until", "version"])
    audit_log(actor=actor, event_type="startup_parks.application.decide", obj=application, details=details)
    application.refresh_from_db()
    return application


def _certify(*, park: Park, application: CertificationApplication, today: datetime.date, actor) -> Certificate:
    years = int(policy_parameter(rules.VALIDITY_KEY, on=today, region=park.region_id).value)
    Certificate.objects.filter(park=park, status=CertificateStatus.ACTIVE).update(
        status=CertificateStatus.SUPERSEDED, ended_on=today, ended_reason=application.ref)
    certificate = Certificate.objects.create(
        number=fresh_ref(Certificate, "YQZS", field="number"), park=park, application=application, level=park.level,
        valid_from=today, valid_to=rules.certificate_valid_to(today, years), issued_by=actor)
    park.status, park.certified_until = ParkStatus.CERTIFIED, certificate.valid_to
    return certificate


def _withdraw(*, park: Park, today: datetime.date, reason: str) -> list[str]:
    active = list(Certificate.objects.filter(park=park, status=CertificateStatus.ACTIVE).values_list("number",
                                                                                                       flat=True))
    Certificate.objects.filter(park=park, status=CertificateStatus.ACTIVE).update(
        status=CertificateStatus.WITHDRAWN, ended_on=today, ended_reason=reason)
    park.status, park.certified_until = ParkStatus.WITHDRAWN, None
    return active


def _award(*, park: Park, certificate: Certificate, today: datetime.date, actor) -> ParkAward | None:
    """以奖代补 once per demonstration park, at its first certification, of the amount in force that day."""
    if park.kind not in rules.REWARDED_KINDS or ParkAward.objects.filter(park=park).exists():
        return None
    parameter = policy_parameter(rules.REWARD_KEY, on=today, region=park.region_id)
    return ParkAward.objects.create(park=park, certificate=certificate, amount=Decimal(str(parameter.value)),
                                    parameter=parameter.as_snapshot(), recorded_by=actor)
