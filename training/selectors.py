"""Every non-trivial read of the training programme, scoped to what the user may see: staff their area,
institutions their own sign-ups and classes, everyone the published packages and the draws."""

from django.db.models import Count, Q, QuerySet

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.models import CaseStatus
from training.models import (
    DemandLine,
    DrawSession,
    Institution,
    SignUp,
    SupervisionRecord,
    Trainee,
    TrainingClass,
    TrainingPackage,
    TrainingPlan,
)

# A certificate counts as paid from approval on: an approved claim is paid unless refused, so counting it in a
# second claim meanwhile would pay the same certificate twice.
PAYING_STATUSES = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID)


def certificates_claimed_as_skill_upgrade(certificate_numbers) -> set[str]:
    """Of these certificate numbers, those approved or paid as a skill-upgrade subsidy (subsidies, JNTS)."""
    from subsidies.models import SkillUpgradeDetail

    numbers = [n for n in certificate_numbers if n]
    if not numbers:
        return set()
    return set(SkillUpgradeDetail.objects.filter(certificate_no__in=numbers, voided=False,
                                                 case__status__in=PAYING_STATUSES)
               .values_list("certificate_no", flat=True))


def certificate_paid_by_training(certificate_number: str) -> bool:
    """Whether a training-subsidy claim approved or paid counted this certificate (for the skill-upgrade
    subsidy's check: one certificate is paid once)."""
    number = (certificate_number or "").strip()
    return bool(number) and Trainee.objects.filter(certificate_no=number,
                                                   claimed_in__status__in=PAYING_STATUSES).exists()


def institution_for(user) -> Institution | None:
    if user.is_authenticated and user.is_applicant and user.enterprise_id:
        return Institution.objects.filter(enterprise_id=user.enterprise_id).first()
    return None


def is_training_staff(user) -> bool:
    return user.is_authenticated and not user.is_applicant and user.has_perm("training.view_trainingpackage")


def plan_list() -> QuerySet[TrainingPlan]:
    return TrainingPlan.objects.annotate(line_count=Count("lines")).order_by("-year", "-revision")


def demand_list_for(*, user, year: int | None = None, department: str = "") -> QuerySet[DemandLine]:
    qs = scope_queryset(DemandLine.objects.select_related("occupation", "region", "plan"), user=user)
    if year:
        qs = qs.filter(year=year)
    if department:
        qs = qs.filter(department__icontains=department)
    return qs


def package_list_for(*, user, status: str = "", q: str = "", region: str = "") -> QuerySet[TrainingPackage]:
    """Staff: the packages of their area. Everyone else: the published ones (drafts are internal)."""
    qs = TrainingPackage.objects.select_related("occupation", "region", "contractor")
    staff = is_training_staff(user)
    qs = scope_queryset(qs, user=user) if staff else qs.exclude(status=TrainingPackage.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(ref__icontains=q) | Q(occupation__name__icontains=q))
    if region:
        qs = qs.filter(region__code__startswith=region)
    live = ~Q(signups__status=SignUp.Status.WITHDRAWN)
    return qs.annotate(signup_count=Count("signups", filter=live)).order_by("-id")


def package_get_for(*, user, ref: str) -> TrainingPackage | None:
    return package_list_for(user=user).filter(ref=ref).first()


def signup_list_for(*, user, package: TrainingPackage | None = None, status: str = "") -> QuerySet[SignUp]:
    qs = SignUp.objects.select_related("package", "institution", "checked_by")
    institution = institution_for(user)
    if institution is not None:
        qs = qs.filter(institution=institution)
    elif is_training_staff(user):
        qs = scope_queryset(qs, user=user, region_field="package__region")
    else:
        return qs.none()
    if package is not None:
        qs = qs.filter(package=package)
    if status:
        qs = qs.filter(status=status)
    return qs


def class_list_for(*, user, status: str = "", q: str = "") -> QuerySet[TrainingClass]:
    qs = TrainingClass.objects.select_related("package", "package__occupation", "institution", "region")
    institution = institution_for(user)
    if institution is not None:
        qs = qs.filter(institution=institution)
    elif is_training_staff(user):
        qs = scope_queryset(qs, user=user)
    else:
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(ref__icontains=q) | Q(package__title__icontains=q) | Q(institution__name__icontains=q))
    return qs.annotate(trainee_count=Count("trainees")).order_by("-starts_on", "-id")


def class_get_for(*, user, ref: str) -> TrainingClass | None:
    return class_list_for(user=user).filter(ref=ref).first()


def supervision_list_for(*, user, status: str = "", layer: str = "") -> QuerySet[SupervisionRecord]:
    if not is_training_staff(user):
        return SupervisionRecord.objects.none()
    qs = scope_queryset(SupervisionRecord.objects.select_related("training_class", "training_class__institution"),
                        user=user, region_field="training_class__region")
    if status:
        qs = qs.filter(status=status)
    if layer:
        qs = qs.filter(layer=layer)
    return qs


def session_public_list(*, status: str = "") -> QuerySet[DrawSession]:
    """Draw sessions are public from their announcement on."""
    qs = DrawSession.objects.annotate(package_count=Count("entries")).order_by("-scheduled_at")
    return qs.filter(status=status) if status else qs


def session_public_get(*, ref: str) -> DrawSession | None:
    return DrawSession.objects.filter(ref=ref).first()
