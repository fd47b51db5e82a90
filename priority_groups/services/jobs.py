"""Nearby jobs: vacancies, referrals of people to them, and the referral's outcome. A hire updates the
person's employment status, which is what the placement figures count."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from priority_groups.models import EmploymentStatusKind, Referral, ServiceChannel, ServiceType, Vacancy
from priority_groups.services.common import require_person_in_scope, require_row_in_scope, require_staff_permission
from priority_groups.services.people import status_record
from priority_groups.services.plans import service_record_create


@transaction.atomic
def vacancy_create(*, title: str, source: str, employer_name: str, region: Region, positions: int, wage: str = "",
                   employer: Enterprise | None = None, actor) -> Vacancy:
    require_staff_permission(actor)
    errors = {}
    title = (title or "").strip()
    employer_name = (employer.name if employer else employer_name or "").strip()
    if not title or len(title) > 128:
        errors["title"] = [_("Enter the job (at most 128 characters).")]
    if not employer_name or len(employer_name) > 128:
        errors["employer_name"] = [_("Enter the employer (at most 128 characters).")]
    if source not in Vacancy.Source.values:
        errors["source"] = [_("Choose where the job comes from.")]
    if not isinstance(positions, int) or positions < 1:
        errors["positions"] = [_("At least one position.")]
    if errors:
        raise ValidationError(errors)
    vacancy = Vacancy.objects.create(title=title, source=source, employer=employer, employer_name=employer_name,
                                     region=region, positions=positions, wage=(wage or "").strip()[:64],
                                     created_by=actor)
    require_row_in_scope(actor, vacancy)
    audit_log(actor=actor, event_type="priority_groups.vacancy.created", obj=vacancy,
              details={"title": title, "positions": positions, "source": source})
    return vacancy


@transaction.atomic
def referral_create(*, person: Person, vacancy: Vacancy, referred_on: datetime.date,
                    channel: str = ServiceChannel.PHONE, actor) -> Referral:
    """Refer the person to the job: also a job-referral service record (one person-time)."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    if not vacancy.open:
        raise ConflictError(_("This vacancy is closed."), code="vacancy_closed")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(person=person, vacancy=vacancy, referred_on=referred_on, staff=actor)
    except IntegrityError:
        raise ConflictError(_("The person is already referred to this job and waiting for the outcome."),
                            code="referral_pending") from None
    service_record_create(person=person, service_type=ServiceType.JOB_REFERRAL, served_on=referred_on,
                          channel=channel, outcome=f"{vacancy.employer_name}：{vacancy.title}"[:200], actor=actor,
                          referral=referral)
    audit_log(actor=actor, event_type="priority_groups.referral.created", obj=person,
              details={"vacancy": vacancy.pk, "referred_on": referred_on.isoformat()})
    return referral


@transaction.atomic
def referral_outcome_record(*, referral: Referral, outcome: str, outcome_on: datetime.date, actor) -> Referral:
    """The referral's outcome, once. A hire records the person employed from that day (locally, or outside the
    county when the job is in another county)."""
    require_staff_permission(actor)
    require_person_in_scope(actor, referral.person)
    if outcome not in (Referral.Outcome.HIRED, Referral.Outcome.NOT_HIRED, Referral.Outcome.DECLINED):
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    if outcome_on < referral.referred_on or outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": [_("The outcome date is between the referral and today.")]})
    moved = Referral.objects.filter(pk=referral.pk, outcome=Referral.Outcome.PENDING).update(
        outcome=outcome, outcome_on=outcome_on)
    if not moved:
        raise ConflictError(_("The outcome of this referral is already recorded."), code="outcome_recorded")
    referral.refresh_from_db()
    if outcome == Referral.Outcome.HIRED:
        person_county = (referral.person.region_id or "")[:6]
        local = referral.vacancy.region_id[:6] == person_county
        status_record(person=referral.person, valid_from=outcome_on, actor=actor,
                      status=EmploymentStatusKind.EMPLOYED_LOCAL if local
                      else EmploymentStatusKind.EMPLOYED_OUT_OF_COUNTY,
                      employer_name=referral.vacancy.employer_name, work_place=referral.vacancy.region.name,
                      note=_("Hired through a referral"))
    audit_log(actor=actor, event_type="priority_groups.referral.outcome", obj=referral.person,
              details={"vacancy": referral.vacancy_id, "outcome": outcome, "outcome_on": outcome_on.isoformat()})
    return referral
