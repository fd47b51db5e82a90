"""Project packages and their publication, institutions, sign-ups with evidence, checks and the frozen pool."""

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.rules import SNIFF_BYTES, file_type_sniff
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.registry.models import Enterprise
from training import lottery, rules
from training.models import Institution, PlanLine, SignUp, TrainingPackage, TrainingPlan
from training.services.common import fresh_ref, require_in_area, require_perm

MAX_SEATS = 10_000
MAX_HOURS = 2_000
MAX_STANDARD = Decimal("100000")


@transaction.atomic
def package_create(*, plan_line: PlanLine, title: str, implementing_unit: str, seats: int, hours: int,
                   subsidy_standard: Decimal, min_teachers: int, min_premises_m2: int, equipment_required: str,
                   signup_deadline: datetime.date, actor) -> TrainingPackage:
    """A package cut from a line of the approved plan: its seats fit within what the line still has free."""
    require_perm(actor)
    line = PlanLine.objects.select_for_update().select_related("plan", "occupation", "region").get(pk=plan_line.pk)
    require_in_area(actor, line)
    if line.plan.status != TrainingPlan.Status.APPROVED:
        raise ApplicationError(_("Packages are cut from the approved plan."), code="plan_not_approved")
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the package a title.")
    if not (implementing_unit or "").strip():
        errors["implementing_unit"] = _("Name the implementing unit.")
    if not 0 < seats <= MAX_SEATS:
        errors["seats"] = _("Seats must be between 1 and %(max)d.") % {"max": MAX_SEATS}
    if not 0 < hours <= MAX_HOURS:
        errors["hours"] = _("Class hours must be between 1 and %(max)d.") % {"max": MAX_HOURS}
    if not Decimal(0) < subsidy_standard <= MAX_STANDARD:
        errors["subsidy_standard"] = _("The subsidy standard must be a positive amount.")
    if not (equipment_required or "").strip():
        errors["equipment_required"] = _("Describe the equipment an institution must have.")
    if signup_deadline < timezone.localdate():
        errors["signup_deadline"] = _("The sign-up deadline cannot be in the past.")
    if errors:
        raise ApplicationError(next(iter(errors.values())), code="invalid", extra=errors)
    used = line.packages.aggregate(total=Sum("seats"))["total"] or 0
    if used + seats > line.headcount:
        raise ApplicationError(_("The plan line has %(free)d seats left; this package asks for %(seats)d.")
                               % {"free": line.headcount - used, "seats": seats}, code="seats_exceed_plan")
    package = TrainingPackage.objects.create(
        ref=fresh_ref(TrainingPackage, "PXB"), plan_line=line, title=title.strip()[:200],
        occupation=line.occupation, level=line.level, implementing_unit=implementing_unit.strip()[:128],
        region=line.region, seats=seats, hours=hours, subsidy_standard=subsidy_standard, min_teachers=min_teachers,
        min_premises_m2=min_premises_m2, equipment_required=equipment_required.strip(),
        signup_deadline=signup_deadline, created_by=actor)
    audit_log(actor=actor, event_type="training.package.create", obj=package,
              details={"plan_line": line.pk, "seats": seats, "hours": hours, "standard": str(subsidy_standard)})
    return package


@transaction.atomic
def package_publish(*, package: TrainingPackage, actor) -> TrainingPackage:
    """Publish the package and its entry conditions; from now on institutions may sign up."""
    require_perm(actor)
    require_in_area(actor, package)
    if package.signup_deadline < timezone.localdate():
        raise ApplicationError(_("The sign-up deadline has passed; set a new one before publishing."),
                               code="deadline_passed")
    updated = TrainingPackage.objects.filter(pk=package.pk, status=TrainingPackage.Status.DRAFT).update(
        status=TrainingPackage.Status.PUBLISHED, published_at=timezone.now())
    if updated != 1:
        raise ConflictError(_("This package is already published."), code="stale")
    package.refresh_from_db()
    audit_log(actor=actor, event_type="training.package.publish", obj=package, details={})
    return package


@transaction.atomic
def institution_register(*, enterprise: Enterprise, licence_no: str, contact_name: str, contact_phone: str,
                         actor) -> Institution:
    """An enterprise account registers its firm as a training institution (or a training officer does it)."""
    own = actor.is_authenticated and actor.is_applicant and actor.enterprise_id == enterprise.pk
    if not own:
        require_perm(actor)
    licence_no, contact_name, contact_phone = ((v or "").strip() for v in (licence_no, contact_name, contact_phone))
    if not licence_no or not contact_name or not contact_phone:
        raise ApplicationError(_("Enter the licence number, a contact and a phone."), code="invalid")
    if enterprise.region_id is None:
        raise ApplicationError(_("The enterprise's district is not known; ask the service centre to complete it."),
                               code="region_missing")
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                code=enterprise.credit_code, enterprise=enterprise, name=enterprise.name,
                region_id=enterprise.region_id, licence_no=licence_no[:64], contact_name=contact_name[:64],
                contact_phone=contact_phone[:20])
    except IntegrityError:
        raise ConflictError(_("This enterprise is already registered as a training institution."),
                            code="institution_exists") from None
    audit_log(actor=actor, event_type="training.institution.register", obj=institution,
              details={"code": institution.code, "licence_no": institution.licence_no})
    return institution


def _check_evidence(upload) -> str:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(_("The file is larger than %(mb)d MB.")
                               % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, code="file_too_large")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if file_type_sniff(head) is None:
        raise ApplicationError(_("Upload the evidence as PDF, JPEG or PNG."), code="file_type")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def signup_submit(*, package: TrainingPackage, institution: Institution, teachers: int, premises_m2: int,
                  equipment: str, evidence=None, actor) -> SignUp:
    """An institution signs up for a published package before its deadline, with its evidence."""
    if not (actor.is_authenticated and actor.is_applicant and actor.enterprise_id == institution.enterprise_id):
        raise ForbiddenError(_("Only the institution itself signs up."))
    package = TrainingPackage.objects.select_for_update().get(pk=package.pk)
    if package.status != TrainingPackage.Status.PUBLISHED:
        raise ApplicationError(_("This package is not taking sign-ups."), code="not_published")
    if timezone.localdate() > package.signup_deadline:
        raise ApplicationError(_("Sign-ups for this package closed on %(date)s.") % {"date": package.signup_deadline},
                               code="deadline_passed")
    if institution.status != Institution.Status.ACTIVE:
        raise ForbiddenError(_("Your institution is suspended and may not sign up."))
    if teachers < 0 or premises_m2 < 0 or not (equipment or "").strip():
        raise ApplicationError(_("Enter your teachers, premises and equipment."), code="invalid")
    digest = _check_evidence(evidence) if evidence else ""
    signup = SignUp(package=package, institution=institution, teachers=teachers, premises_m2=premises_m2,
                    equipment=equipment.strip(), evidence_sha256=digest, submitted_by=actor)
    if evidence:
        signup.evidence.save(f"{digest[:16]}", evidence, save=False)
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError:
        raise ConflictError(_("Your institution has already signed up for this package."),
                            code="signup_exists") from None
    audit_log(actor=actor, event_type="training.signup.submit", obj=signup,
              details={"package": package.ref, "institution": institution.code, "teachers": teachers,
                       "premises_m2": premises_m2, "evidence_sha256": digest})
    return signup


@transaction.atomic
def signup_withdraw(*, signup: SignUp, actor) -> SignUp:
    if not (actor.is_authenticated and actor.is_applicant and actor.enterprise_id == signup.institution.enterprise_id):
        raise ForbiddenError(_("Only the institution itself withdraws its sign-up."))
    updated = (SignUp.objects.filter(pk=signup.pk, package__status=TrainingPackage.Status.PUBLISHED)
               .exclude(status=SignUp.Status.WITHDRAWN).update(status=SignUp.Status.WITHDRAWN))
    if updated != 1:
        raise ConflictError(_("This sign-up can no longer be withdrawn."), code="stale")
    signup.refresh_from_db()
    audit_log(actor=actor, event_type="training.signup.withdraw", obj=signup, details={})
    return signup


@transaction.atomic
def signup_check(*, signup: SignUp, eligible: bool, note: str, actor) -> SignUp:
    """A caseworker's verdict on a sign-up. The published conditions decide what the numbers can give: a
    sign-up short of them cannot be passed; one that meets them may still be refused (e.g. the evidence does
    not bear the figures out), with a note saying why."""
    require_perm(actor)
    require_in_area(actor, signup.package)
    note = (note or "").strip()
    package = signup.package
    check = rules.signup_conditions(teachers=signup.teachers, premises_m2=signup.premises_m2,
                                    min_teachers=package.min_teachers, min_premises_m2=package.min_premises_m2)
    if eligible and not check.eligible:
        raise ApplicationError(" ".join(check.shortfalls), code="conditions_not_met")
    if not eligible and len(note) < 4:
        raise ApplicationError(_("Say why the sign-up does not meet the conditions."), code="reason_required")
    status = SignUp.Status.ELIGIBLE if eligible else SignUp.Status.INELIGIBLE
    updated = (SignUp.objects.filter(pk=signup.pk, package__status=TrainingPackage.Status.PUBLISHED)
               .exclude(status=SignUp.Status.WITHDRAWN)
               .update(status=status, check_note=note or " ".join(check.shortfalls), checked_by=actor,
                       checked_at=timezone.now()))
    if updated != 1:
        raise ConflictError(_("This sign-up can no longer be checked: the pool is frozen or it was withdrawn."),
                            code="stale")
    signup.refresh_from_db()
    audit_log(actor=actor, event_type="training.signup.check", obj=signup,
              details={"package": package.ref, "institution": signup.institution.code, "status": status,
                       "note": signup.check_note})
    return signup


@transaction.atomic
def pool_freeze(*, package: TrainingPackage, actor) -> TrainingPackage:
    """After the deadline and once every sign-up is checked, the eligible institutions become the package's pool,
    published in canonical order with its SHA-256 (training.lottery); nothing changes it afterwards."""
    require_perm(actor)
    require_in_area(actor, package)
    package = TrainingPackage.objects.select_for_update().get(pk=package.pk)
    if package.status != TrainingPackage.Status.PUBLISHED:
        raise ConflictError(_("Only a published package's pool can be frozen, once."), code="stale")
    if timezone.localdate() <= package.signup_deadline:
        raise ApplicationError(_("Sign-ups are open until %(date)s; freeze the pool after that.")
                               % {"date": package.signup_deadline}, code="signups_open")
    live = package.signups.exclude(status=SignUp.Status.WITHDRAWN)
    if live.filter(status=SignUp.Status.SUBMITTED).exists():
        raise ApplicationError(_("Check every sign-up before freezing the pool."), code="unchecked_signups")
    members = list(live.filter(status=SignUp.Status.ELIGIBLE, institution__status=Institution.Status.ACTIVE)
                   .values_list("institution__code", "institution__name"))
    if not members:
        raise ApplicationError(_("No institution meets the conditions: the package cannot be drawn."),
                               code="empty_pool")
    document = lottery.pool_document(package.ref, members)
    package.pool_document = document
    package.pool_sha256 = lottery.sha256_hex(lottery.canonical_json(document))
    package.pool_frozen_at = timezone.now()
    package.status = TrainingPackage.Status.POOL_FROZEN
    package.save(update_fields=["pool_document", "pool_sha256", "pool_frozen_at", "status"])
    audit_log(actor=actor, event_type="training.pool.freeze", obj=package,
              details={"pool_sha256": package.pool_sha256, "institutions": [code for code, _name in members]})
    return package
