"""Occupations, demand lines from the partner departments, and the yearly plan with its mid-year revision."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ConflictError
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.selectors import in_city
from training.models import DemandLine, Occupation, PlanLine, SkillLevel, TrainingPlan
from training.services.common import require_perm

MAX_HEADCOUNT = 100_000


def _check_line(*, occupation: Occupation, level: int, headcount: int, region: Region) -> None:
    if not occupation.active:
        raise ApplicationError(_("This occupation is no longer in the catalogue."), code="occupation_inactive")
    if level not in SkillLevel.values:
        raise ApplicationError(_("Choose a skill level."), code="level_invalid")
    if occupation.levels and level not in occupation.levels:
        raise ApplicationError(_("%(occupation)s is not trained at this level.") % {"occupation": occupation.name},
                               code="level_not_offered")
    if not 0 < headcount <= MAX_HEADCOUNT:
        raise ApplicationError(_("The headcount must be between 1 and %(max)d.") % {"max": MAX_HEADCOUNT},
                               code="headcount_invalid")
    if not in_city(region.code):
        raise ApplicationError(_("Choose a district of Guangyuan."), code="region_invalid")


@transaction.atomic
def occupation_create(*, code: str, name: str, levels: list[int], actor) -> Occupation:
    require_perm(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ApplicationError(_("An occupation needs a code and a name."), code="occupation_invalid")
    if Occupation.objects.filter(code=code).exists():
        raise ConflictError(_("Occupation %(code)s is already in the catalogue.") % {"code": code},
                            code="occupation_exists")
    occupation = Occupation.objects.create(code=code, name=name, levels=sorted(set(levels)))
    audit_log(actor=actor, event_type="training.occupation.create", obj=occupation,
              details={"code": code, "name": name, "levels": occupation.levels})
    return occupation


@transaction.atomic
def demand_line_submit(*, year: int, department: str, occupation: Occupation, level: int, headcount: int,
                       region: Region, actor, note: str = "") -> DemandLine:
    """A department's need, entered by the training section (or the department's own account)."""
    require_perm(actor, "training.add_demandline")
    department = (department or "").strip()
    if not department:
        raise ApplicationError(_("Name the department."), code="department_required")
    _check_line(occupation=occupation, level=level, headcount=headcount, region=region)
    line = DemandLine.objects.create(year=year, department=department, occupation=occupation, level=level,
                                     headcount=headcount, region=region, note=(note or "")[:200], submitted_by=actor)
    audit_log(actor=actor, event_type="training.demand.submit", obj=line,
              details={"year": year, "department": department, "occupation": occupation.code, "level": level,
                       "headcount": headcount, "region": region.code})
    return line


def _consolidate(lines) -> dict:
    grouped: dict = defaultdict(lambda: {"headcount": 0, "departments": set()})
    for line in lines:
        key = (line.occupation_id, line.level, line.region_id)
        grouped[key]["headcount"] += line.headcount
        grouped[key]["departments"].add(line.department)
    return grouped


@transaction.atomic
def plan_consolidate(*, year: int, actor, title: str = "") -> TrainingPlan:
    """Every demand line of the year not yet planned, added per (occupation, level, district) to the year's
    draft plan: the first plan (revision 0) when the year has none, or the open revision. Once the plan is
    approved and no revision is open, new needs wait for the mid-year revision."""
    require_perm(actor)
    plan = TrainingPlan.objects.select_for_update().filter(year=year, status=TrainingPlan.Status.DRAFT).first()
    if plan is None and TrainingPlan.objects.filter(year=year).exists():
        raise ConflictError(_("The %(year)d plan is approved: open a revision to add needs.") % {"year": year},
                            code="plan_approved")
    lines = list(DemandLine.objects.select_for_update().filter(year=year, plan__isnull=True))
    if not lines:
        raise ApplicationError(_("No new demand lines for %(year)d.") % {"year": year}, code="no_demand")
    if plan is None:
        try:
            with transaction.atomic():
                plan = TrainingPlan.objects.create(
                    year=year, revision=0, created_by=actor,
                    title=(title or "").strip()[:200] or _("%(year)d joint training plan") % {"year": year})
        except IntegrityError:
            raise ConflictError(_("The %(year)d plan was created a moment ago; reload.") % {"year": year},
                                code="plan_exists") from None
    existing = {(line.occupation_id, line.level, line.region_id): line for line in plan.lines.all()}
    for key, group in _consolidate(lines).items():
        line = existing.get(key)
        if line is None:
            PlanLine.objects.create(plan=plan, occupation_id=key[0], level=key[1], region_id=key[2],
                                    headcount=group["headcount"],
                                    departments="、".join(sorted(group["departments"]))[:400])
        else:
            line.headcount += group["headcount"]
            departments = set(filter(None, line.departments.split("、"))) | group["departments"]
            line.departments = "、".join(sorted(departments))[:400]
            line.save(update_fields=["headcount", "departments"])
    DemandLine.objects.filter(pk__in=[line.pk for line in lines]).update(plan=plan)
    audit_log(actor=actor, event_type="training.plan.consolidate", obj=plan,
              details={"year": year, "revision": plan.revision, "demand_lines": len(lines),
                       "headcount": sum(line.headcount for line in lines)})
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, actor) -> TrainingPlan:
    require_perm(actor)
    if not plan.lines.exists():
        raise ApplicationError(_("A plan without lines cannot be approved."), code="plan_empty")
    if plan.previous_id:
        TrainingPlan.objects.filter(pk=plan.previous_id, status=TrainingPlan.Status.APPROVED).update(
            status=TrainingPlan.Status.SUPERSEDED)
    updated = TrainingPlan.objects.filter(pk=plan.pk, status=TrainingPlan.Status.DRAFT).update(
        status=TrainingPlan.Status.APPROVED, approved_by=actor, approved_at=timezone.now())
    if updated != 1:
        raise ConflictError(_("This plan is not a draft any more."), code="stale")
    plan.refresh_from_db()
    audit_log(actor=actor, event_type="training.plan.approve", obj=plan,
              details={"year": plan.year, "revision": plan.revision})
    return plan


@transaction.atomic
def plan_revise(*, plan: TrainingPlan, reason: str, actor) -> TrainingPlan:
    """The mid-year adjustment: a draft copy of the approved plan (revision + 1) to change; approving it
    supersedes the plan it revises, which stays on record unchanged. New demand lines go into it."""
    require_perm(actor)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ApplicationError(_("State the reason for the revision."), code="reason_required")
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TrainingPlan.Status.APPROVED:
        raise ConflictError(_("Only the approved plan can be revised."), code="not_approved")
    if TrainingPlan.objects.filter(previous=plan).exists():
        raise ConflictError(_("A revision of this plan is already open."), code="revision_open")
    # The approved plan stays in force until its revision is approved.
    revision = TrainingPlan.objects.create(year=plan.year, revision=plan.revision + 1, title=plan.title,
                                           previous=plan, revision_reason=reason, created_by=actor)
    PlanLine.objects.bulk_create([
        PlanLine(plan=revision, occupation_id=line.occupation_id, level=line.level, region_id=line.region_id,
                 headcount=line.headcount, departments=line.departments) for line in plan.lines.all()])
    audit_log(actor=actor, event_type="training.plan.revise", obj=revision,
              details={"year": plan.year, "revision": revision.revision, "reason": reason})
    return revision


@transaction.atomic
def plan_line_set(*, plan: TrainingPlan, occupation: Occupation, level: int, region: Region, headcount: int,
                  actor) -> PlanLine | None:
    """Set a line of a draft plan (a revision's change); headcount 0 removes the line."""
    require_perm(actor)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != TrainingPlan.Status.DRAFT:
        raise ConflictError(_("Only a draft plan can be changed; open a revision."), code="not_draft")
    existing = PlanLine.objects.filter(plan=plan, occupation=occupation, level=level, region=region).first()
    before = existing.headcount if existing else 0
    if headcount == 0:
        if existing is not None:
            if existing.packages.exists():
                raise ConflictError(_("This line has packages and cannot be removed."), code="line_in_use")
            existing.delete()
        line = None
    else:
        _check_line(occupation=occupation, level=level, headcount=headcount, region=region)
        if existing is None:
            line = PlanLine.objects.create(plan=plan, occupation=occupation, level=level, region=region,
                                           headcount=headcount)
        else:
            existing.headcount = headcount
            existing.save(update_fields=["headcount"])
            line = existing
    audit_log(actor=actor, event_type="training.plan.line_set", obj=plan,
              details={"occupation": occupation.code, "level": level, "region": region.code, "from": before,
                       "to": headcount})
    return line
