"""Employment and unemployment registration (就业登记/失业登记), new forms of employment included. The first
registration issues the person's certificate (就业创业证), whose number never changes afterwards."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from priority_groups import rules
from priority_groups.models import EmploymentCertificate, EmploymentRegistration
from priority_groups.services.common import require_person_in_scope, require_row_in_scope, require_staff_permission

Kind = EmploymentRegistration.Kind
# Two people registered in the same county at the same moment may draw the same next number: try again.
CERTIFICATE_ATTEMPTS = 5


def _certificate_for(*, person: Person, region: Region, urban: bool, on: datetime.date, actor) -> EmploymentCertificate:
    existing = EmploymentCertificate.objects.filter(person=person).first()
    if existing is not None:
        return existing
    county = region.pk[:6]
    prefix = f"{county}{'01' if urban else '02'}{on.year % 100:02d}"
    for _attempt in range(CERTIFICATE_ATTEMPTS):
        last = (EmploymentCertificate.objects.filter(number__startswith=prefix).order_by("-number")
                .values_list("number", flat=True).first())
        sequence = int(last[-8:]) + 1 if last else 1
        number = rules.certificate_number(county_code=county, urban=urban, year=on.year, sequence=sequence)
        try:
            with transaction.atomic():
                certificate = EmploymentCertificate.objects.create(person=person, number=number, issued_on=on,
                                                                   issued_by=actor)
        except IntegrityError:
            if EmploymentCertificate.objects.filter(person=person).exists():
                return EmploymentCertificate.objects.get(person=person)
            continue
        audit_log(actor=actor, event_type="priority_groups.certificate.issued", obj=person,
                  details={"number": number})
        return certificate
    raise ConflictError(_("The certificate number could not be drawn; try again."), code="certificate_busy")


def _open_registration(person: Person) -> EmploymentRegistration | None:
    return EmploymentRegistration.objects.select_for_update().filter(person=person, ended_on__isnull=True).first()


def _end(registration: EmploymentRegistration, *, ended_on: datetime.date, reason: str, actor) -> None:
    registration.ended_on = max(ended_on, registration.registered_on)
    registration.end_reason = reason
    registration.ended_by = actor
    registration.save(update_fields=["ended_on", "end_reason", "ended_by"])
    audit_log(actor=actor, event_type="priority_groups.registration.ended", obj=registration.person,
              details={"kind": registration.kind, "ended_on": registration.ended_on.isoformat(), "reason": reason})


@transaction.atomic
def unemployment_register(*, person: Person, region: Region, registered_on: datetime.date, urban: bool = True,
                          actor) -> EmploymentRegistration:
    """失业登记. Refused while the person is registered employed (end that registration first) or already
    registered unemployed."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = _open_registration(person)
    if current is not None:
        if current.kind == Kind.UNEMPLOYMENT:
            raise ConflictError(_("The person is already registered unemployed."), code="already_registered")
        raise ConflictError(_("The person is registered employed since %(date)s: end that registration first.")
                            % {"date": current.registered_on.isoformat()}, code="registered_employed")
    return _create(person=person, kind=Kind.UNEMPLOYMENT, form="", employer=None, employer_name="", region=region,
                   registered_on=registered_on, urban=urban, actor=actor)


@transaction.atomic
def employment_register(*, person: Person, form: str, region: Region, registered_on: datetime.date,
                        employer: Enterprise | None = None, employer_name: str = "", urban: bool = True,
                        actor) -> EmploymentRegistration:
    """就业登记, platform and flexible work included. An open unemployment registration ends (found work)."""
    require_staff_permission(actor)
    require_person_in_scope(actor, person)
    if form not in EmploymentRegistration.Form.values:
        raise ValidationError({"form": [_("Choose the form of employment.")]})
    employer_name = (employer.name if employer else (employer_name or "")).strip()[:128]
    if form in (EmploymentRegistration.Form.UNIT, EmploymentRegistration.Form.PLATFORM) and not employer_name:
        raise ValidationError({"employer_name": [_("Enter the employer or platform.")]})
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = _open_registration(person)
    if current is not None:
        if current.kind == Kind.EMPLOYMENT:
            raise ConflictError(_("The person is already registered employed."), code="already_registered")
        if registered_on < current.registered_on:
            raise ValidationError({"registered_on": [_("The person registered unemployed on %(date)s, after this "
                                                       "date.") % {"date": current.registered_on.isoformat()}]})
        _end(current, ended_on=registered_on - datetime.timedelta(days=1),
             reason=EmploymentRegistration.EndReason.EMPLOYED, actor=actor)
    return _create(person=person, kind=Kind.EMPLOYMENT, form=form, employer=employer, employer_name=employer_name,
                   region=region, registered_on=registered_on, urban=urban, actor=actor)


def _create(*, person, kind, form, employer, employer_name, region, registered_on, urban, actor):
    certificate = _certificate_for(person=person, region=region, urban=urban, on=registered_on, actor=actor)
    try:
        with transaction.atomic():
            registration = EmploymentRegistration.objects.create(
                person=person, kind=kind, form=form, employer=employer, employer_name=employer_name, region=region,
                registered_on=registered_on, certificate=certificate, recorded_by=actor)
    except IntegrityError:
        raise ConflictError(_("The person already has an open registration."), code="already_registered") from None
    require_row_in_scope(actor, registration)
    audit_log(actor=actor, event_type=f"priority_groups.registration.{kind}", obj=person,
              details={"form": form, "registered_on": registered_on.isoformat(), "region": region.pk,
                       "certificate": certificate.number})
    return registration


@transaction.atomic
def registration_end(*, registration: EmploymentRegistration, ended_on: datetime.date, reason: str,
                     actor) -> EmploymentRegistration:
    require_staff_permission(actor)
    require_person_in_scope(actor, registration.person)
    if reason not in EmploymentRegistration.EndReason.values:
        raise ValidationError({"end_reason": [_("Choose why the registration ends.")]})
    registration = EmploymentRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.ended_on is not None:
        raise ConflictError(_("This registration has already ended."), code="already_ended")
    if ended_on < registration.registered_on:
        raise ValidationError({"ended_on": [_("The end is before the registration.")]})
    _end(registration, ended_on=ended_on, reason=reason, actor=actor)
    return registration
