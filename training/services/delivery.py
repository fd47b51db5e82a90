"""Classes filed under a drawn package, their trainees, attendance, results and certificates; the four-fold
supervision records; the third party's acceptance score; the institution's training-subsidy claim."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.policy.selectors import policy_parameter
from guangyuan_jobs.registry.models import Person
from training import rules
from training.models import (
    Acceptance,
    Attendance,
    ClassDay,
    Institution,
    SupervisionRecord,
    Trainee,
    TrainingClass,
    TrainingPackage,
    TrainingSubsidyDetail,
)
from training.services.common import fresh_ref, require_in_area, require_perm

PXBT = "PXBT"


def _institution_of(actor) -> Institution | None:
    if actor.is_authenticated and actor.is_applicant and actor.enterprise_id:
        return Institution.objects.filter(enterprise_id=actor.enterprise_id).first()
    return None


def _require_class_operator(actor, training_class: TrainingClass) -> None:
    """The class's own institution, or a training officer of its area."""
    institution = _institution_of(actor)
    if institution is not None:
        if institution.pk != training_class.institution_id:
            raise ForbiddenError(_("This class belongs to another institution."))
        return
    require_perm(actor)
    require_in_area(actor, training_class)


def _require_open(training_class: TrainingClass) -> None:
    if training_class.status == TrainingClass.Status.COMPLETED:
        raise ConflictError(_("The class is completed; its roster and attendance are closed."), code="completed")


@transaction.atomic
def class_file(*, package: TrainingPackage, starts_on: datetime.date, ends_on: datetime.date, address: str,
               teacher_names: str, actor) -> TrainingClass:
    """开班备案: the contracted institution files a class under its package (a package not published and
    drawn has no contractor, so it cannot be filed, trained or paid)."""
    institution = _institution_of(actor)
    package = TrainingPackage.objects.select_for_update().get(pk=package.pk)
    if institution is None or package.contractor_id != institution.pk:
        raise ForbiddenError(_("Only the institution contracted for this package files its classes."))
    if package.status != TrainingPackage.Status.DRAWN:
        raise ApplicationError(_("This package has no contracted institution yet."), code="not_drawn")
    if ends_on < starts_on:
        raise ApplicationError(_("The class cannot end before it starts."), code="dates_invalid")
    if not (address or "").strip() or not (teacher_names or "").strip():
        raise ApplicationError(_("Enter the address and the teachers."), code="invalid")
    training_class = TrainingClass.objects.create(
        ref=fresh_ref(TrainingClass, "PXBJ"), package=package, institution=institution, region=package.region,
        starts_on=starts_on, ends_on=ends_on, address=address.strip()[:200], teacher_names=teacher_names.strip()[:200],
        filed_by=actor)
    audit_log(actor=actor, event_type="training.class.file", obj=training_class,
              details={"package": package.ref, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return training_class


@transaction.atomic
def trainee_add(*, training_class: TrainingClass, person: Person, actor) -> Trainee:
    """A person from the registry joins the roster, within the package's seats."""
    _require_class_operator(actor, training_class)
    training_class = TrainingClass.objects.select_for_update().select_related("package").get(pk=training_class.pk)
    _require_open(training_class)
    seats = training_class.package.seats
    taken = Trainee.objects.filter(training_class__package=training_class.package).count()
    if taken >= seats:
        raise ApplicationError(_("All %(n)d seats of the package are taken.") % {"n": seats}, code="seats_full")
    if Trainee.objects.filter(person=person, training_class__package__occupation=training_class.package.occupation,
                              training_class__package__level=training_class.package.level).exists():
        raise ConflictError(_("%(name)s is already trained in this occupation at this level.")
                            % {"name": person.name}, code="trainee_duplicate")
    try:
        with transaction.atomic():
            trainee = Trainee.objects.create(training_class=training_class, person=person)
    except IntegrityError:
        raise ConflictError(_("%(name)s is already on the roster.") % {"name": person.name},
                            code="trainee_duplicate") from None
    audit_log(actor=actor, event_type="training.trainee.add", obj=training_class,
              details={"person": person.id_number_masked})
    return trainee


@transaction.atomic
def attendance_record(*, training_class: TrainingClass, day: datetime.date, hours: int, present: list[int],
                      actor) -> ClassDay:
    """One day of class: hours taught and the trainees present (ids of the roster). Recorded once per day."""
    _require_class_operator(actor, training_class)
    training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    _require_open(training_class)
    if not training_class.starts_on <= day <= training_class.ends_on:
        raise ApplicationError(_("The day is outside the class's dates."), code="day_outside_class")
    if day > timezone.localdate():
        raise ApplicationError(_("Attendance cannot be recorded in advance."), code="day_in_future")
    if not 0 < hours <= 12:
        raise ApplicationError(_("Hours of a day are between 1 and 12."), code="hours_invalid")
    roster = set(training_class.trainees.values_list("pk", flat=True))
    present_ids = set(present)
    if not present_ids <= roster:
        raise ApplicationError(_("Only trainees on the roster can be marked present."), code="not_on_roster")
    try:
        with transaction.atomic():
            class_day = ClassDay.objects.create(training_class=training_class, day=day, hours=hours,
                                                recorded_by=actor)
    except IntegrityError:
        raise ConflictError(_("Attendance for %(day)s is already recorded.") % {"day": day},
                            code="day_recorded") from None
    Attendance.objects.bulk_create([Attendance(class_day=class_day, trainee_id=pk) for pk in sorted(present_ids)])
    for trainee in Trainee.objects.filter(pk__in=present_ids):
        trainee.attended_hours = (Attendance.objects.filter(trainee=trainee)
                                  .aggregate(total=Sum("class_day__hours"))["total"] or 0)
        trainee.save(update_fields=["attended_hours"])
    if training_class.status == TrainingClass.Status.FILED:
        TrainingClass.objects.filter(pk=training_class.pk).update(status=TrainingClass.Status.RUNNING)
    audit_log(actor=actor, event_type="training.attendance.record", obj=training_class,
              details={"day": day.isoformat(), "hours": hours, "present": len(present_ids), "roster": len(roster)})
    return class_day


@transaction.atomic
def trainee_result_set(*, trainee: Trainee, completed: bool, result: str, certificate_no: str,
                       employed_after: bool, actor) -> Trainee:
    """Completion, the assessment result and the certificate number (a certificate only with a pass)."""
    training_class = trainee.training_class
    _require_class_operator(actor, training_class)
    trainee = Trainee.objects.select_for_update().select_related("person").get(pk=trainee.pk)
    if trainee.claimed_in_id:
        raise ConflictError(_("This trainee is counted in a training-subsidy claim; results are locked."),
                            code="claimed")
    certificate_no = (certificate_no or "").strip()
    if result not in Trainee.Result.values:
        raise ApplicationError(_("Choose an assessment result."), code="result_invalid")
    if certificate_no and result != Trainee.Result.PASSED:
        raise ApplicationError(_("A certificate goes only with a passed assessment."), code="certificate_without_pass")
    if len(certificate_no) > 40:
        raise ApplicationError(_("A certificate number has at most 40 characters."), code="certificate_invalid")
    before = {"completed": trainee.completed, "result": trainee.result, "certificate_no": trainee.certificate_no}
    trainee.completed, trainee.result = completed, result
    trainee.certificate_no, trainee.employed_after = certificate_no, employed_after
    try:
        with transaction.atomic():
            trainee.save(update_fields=["completed", "result", "certificate_no", "employed_after"])
    except IntegrityError:
        raise ConflictError(_("Certificate %(no)s is already recorded for another trainee.")
                            % {"no": certificate_no}, code="certificate_duplicate") from None
    audit_log(actor=actor, event_type="training.trainee.result", obj=training_class,
              details={"person": trainee.person.id_number_masked, "from": before,
                       "to": {"completed": completed, "result": result, "certificate_no": certificate_no}})
    return trainee


@transaction.atomic
def class_complete(*, training_class: TrainingClass, actor) -> TrainingClass:
    _require_class_operator(actor, training_class)
    if training_class.ends_on > timezone.localdate():
        raise ApplicationError(_("The class runs until %(date)s.") % {"date": training_class.ends_on},
                               code="not_ended")
    if not training_class.trainees.exists():
        raise ApplicationError(_("The class has no trainees."), code="no_trainees")
    updated = (TrainingClass.objects.filter(pk=training_class.pk)
               .exclude(status=TrainingClass.Status.COMPLETED)
               .update(status=TrainingClass.Status.COMPLETED, completed_at=timezone.now()))
    if updated != 1:
        raise ConflictError(_("The class is already completed."), code="stale")
    training_class.refresh_from_db()
    audit_log(actor=actor, event_type="training.class.complete", obj=training_class, details={})
    return training_class


# --- supervision (四重监管) -------------------------------------------------------------------------------------


@transaction.atomic
def supervision_record(*, training_class: TrainingClass, layer: str, visited_on: datetime.date, inspector: str,
                       findings: str, correction_required: str = "", correction_due: datetime.date | None = None,
                       actor) -> SupervisionRecord:
    require_perm(actor, "training.add_supervisionrecord")
    require_in_area(actor, training_class)
    if layer not in SupervisionRecord.Layer.values:
        raise ApplicationError(_("Choose the supervision layer."), code="layer_invalid")
    if not (inspector or "").strip() or not (findings or "").strip():
        raise ApplicationError(_("Enter the inspector and the findings."), code="invalid")
    if visited_on > timezone.localdate():
        raise ApplicationError(_("A visit cannot be recorded before it happens."), code="visit_in_future")
    correction_required = (correction_required or "").strip()
    if correction_required and (correction_due is None or correction_due < visited_on):
        raise ApplicationError(_("A required correction needs a due date after the visit."), code="due_required")
    record = SupervisionRecord.objects.create(
        training_class=training_class, layer=layer, visited_on=visited_on, inspector=inspector.strip()[:64],
        findings=findings.strip(), correction_required=correction_required,
        correction_due=correction_due if correction_required else None,
        status=SupervisionRecord.Status.OPEN if correction_required else SupervisionRecord.Status.NO_FINDING,
        recorded_by=actor)
    audit_log(actor=actor, event_type="training.supervision.record", obj=training_class,
              details={"layer": layer, "record": record.pk, "status": record.status})
    return record


@transaction.atomic
def supervision_close(*, record: SupervisionRecord, follow_up: str, actor) -> SupervisionRecord:
    require_perm(actor, "training.add_supervisionrecord")
    require_in_area(actor, record.training_class)
    follow_up = (follow_up or "").strip()
    if len(follow_up) < 4:
        raise ApplicationError(_("Describe the follow-up that confirmed the correction."), code="follow_up_required")
    updated = SupervisionRecord.objects.filter(pk=record.pk, status=SupervisionRecord.Status.OPEN).update(
        status=SupervisionRecord.Status.CLOSED, follow_up=follow_up, closed_at=timezone.now())
    if updated != 1:
        raise ConflictError(_("This finding is not open."), code="stale")
    record.refresh_from_db()
    audit_log(actor=actor, event_type="training.supervision.close", obj=record.training_class,
              details={"record": record.pk})
    return record


# --- acceptance and the training-subsidy claim -------------------------------------------------------------------


@transaction.atomic
def acceptance_record(*, training_class: TrainingClass, evaluator: str, scores: dict, evaluated_on: datetime.date,
                      actor) -> Acceptance:
    """The third party's scores; the total decides the share of the subsidy payable (policy bands in force on
    the evaluation day)."""
    require_perm(actor, "training.add_acceptance")
    require_in_area(actor, training_class)
    if training_class.status != TrainingClass.Status.COMPLETED:
        raise ApplicationError(_("A class is accepted once it is completed."), code="not_completed")
    if not (evaluator or "").strip():
        raise ApplicationError(_("Name the evaluating agency."), code="invalid")
    maxima = policy_parameter(rules.SCORE_MAXIMA_KEY, on=evaluated_on, region=training_class.region_id)
    bands = policy_parameter(rules.TRANCHE_KEY, on=evaluated_on, region=training_class.region_id)
    try:
        clean = {name: Decimal(str(scores[name])) for name in rules.SCORE_INDICATORS}
        score = rules.acceptance_score(clean, maxima=maxima.value, bands=bands.value)
    except (KeyError, InvalidOperation):
        raise ApplicationError(_("Enter a score for every indicator."), code="scores_invalid") from None
    except ValueError as exc:
        raise ApplicationError(_("The score for “%(name)s” is outside 0 to %(max)s.")
                               % {"name": exc.args[0], "max": maxima.value[exc.args[0]]},
                               code="score_out_of_range") from None
    try:
        with transaction.atomic():
            acceptance = Acceptance.objects.create(
                training_class=training_class, evaluator=evaluator.strip()[:128],
                roster_score=clean["roster"], attendance_score=clean["attendance"], hours_score=clean["hours"],
                pass_rate_score=clean["pass_rate"], employment_score=clean["employment"],
                satisfaction_score=clean["satisfaction"], total_score=score.total,
                tranche_share=score.tranche_share, evaluated_on=evaluated_on, recorded_by=actor,
                policy_snapshot={"maxima": maxima.as_snapshot(), "bands": bands.as_snapshot()})
    except IntegrityError:
        raise ConflictError(_("This class has already been accepted."), code="accepted") from None
    audit_log(actor=actor, event_type="training.acceptance.record", obj=training_class,
              details={"total": str(score.total), "share": str(score.tranche_share), "evaluator": evaluator})
    return acceptance


@transaction.atomic
def training_subsidy_claim(*, training_class: TrainingClass, actor) -> Case:
    """The institution claims the training subsidy of an accepted class: a PXBT case in casework, its amount
    worked out by the kind (training.kinds) from the qualified trainees, the package standard and the tranche."""
    institution = _institution_of(actor)
    if institution is None or institution.pk != training_class.institution_id:
        raise ForbiddenError(_("Only the class's institution claims its training subsidy."))
    if not Acceptance.objects.filter(training_class=training_class).exists():
        raise ApplicationError(_("The class has not been accepted by the third party yet."), code="not_accepted")
    if TrainingSubsidyDetail.objects.filter(training_class=training_class, voided=False).exists():
        raise ConflictError(_("A training-subsidy claim for this class is already open."), code="duplicate_claim")
    case = casework.case_create_draft(kind=PXBT, actor=actor, applicant_enterprise=institution.enterprise,
                                      region=training_class.region,
                                      details={"class": training_class.ref,
                                               "package": training_class.package.ref})
    try:
        with transaction.atomic():
            TrainingSubsidyDetail.objects.create(case=case, training_class=training_class, institution=institution)
    except IntegrityError:
        raise ConflictError(_("A training-subsidy claim for this class is already open."),
                            code="duplicate_claim") from None
    return casework.case_submit(case=case, actor=actor)
