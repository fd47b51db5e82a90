"""Employment and unemployment registration, the certificate number, and the selectors other apps use."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.registry.models import Region
from priority_groups.models import EmploymentRegistration
from priority_groups.selectors import employment_registrations, is_registered_unemployed
from priority_groups.services.registration import employment_register, registration_end, unemployment_register
from tests.priority_groups.conftest import WANGCANG, person_in

pytestmark = pytest.mark.django_db
D = datetime.date


def test_unemployment_registration_issues_the_certificate_and_answers_the_selector(caseworker):
    person = person_in(WANGCANG)
    region = Region.objects.get(code=WANGCANG)
    registration = unemployment_register(person=person, region=region, registered_on=D(2026, 3, 2), urban=False,
                                         actor=caseworker)
    assert registration.certificate.number == "510821" + "02" + "26" + "00000001"
    assert is_registered_unemployed(person, on=D(2026, 3, 2))
    assert not is_registered_unemployed(person, on=D(2026, 3, 1))
    with pytest.raises(ConflictError):
        unemployment_register(person=person, region=region, registered_on=D(2026, 4, 1), actor=caseworker)

    second = person_in(WANGCANG)
    other = unemployment_register(person=second, region=region, registered_on=D(2026, 3, 5), urban=False,
                                  actor=caseworker)
    assert other.certificate.number.endswith("00000002")


def test_finding_work_ends_the_unemployment_registration_and_keeps_the_certificate(caseworker):
    person = person_in()
    region = person.region
    unemployed = unemployment_register(person=person, region=region, registered_on=D(2026, 1, 5), actor=caseworker)
    employed = employment_register(person=person, form="platform", employer_name="美团外卖（广元）", region=region,
                                   registered_on=D(2026, 5, 1), actor=caseworker)
    unemployed.refresh_from_db()
    assert unemployed.ended_on == D(2026, 4, 30) and unemployed.end_reason == "employed"
    assert is_registered_unemployed(person, on=D(2026, 4, 30))
    assert not is_registered_unemployed(person, on=D(2026, 5, 1))
    assert employed.certificate_id == unemployed.certificate_id
    assert [r.kind for r in employment_registrations(person)] == ["employment", "unemployment"]

    with pytest.raises(ConflictError):
        unemployment_register(person=person, region=region, registered_on=D(2026, 6, 1), actor=caseworker)
    registration_end(registration=employed, ended_on=D(2026, 6, 30), reason="left_job", actor=caseworker)
    unemployment_register(person=person, region=region, registered_on=D(2026, 7, 1), actor=caseworker)
    assert is_registered_unemployed(person, on=D(2026, 7, 1))


def test_platform_work_needs_the_platform(caseworker):
    person = person_in()
    with pytest.raises(ValidationError) as exc:
        employment_register(person=person, form="platform", region=person.region, registered_on=D(2026, 5, 1),
                            actor=caseworker)
    assert "employer_name" in exc.value.message_dict
    flexible = employment_register(person=person, form="flexible", region=person.region,
                                   registered_on=D(2026, 5, 1), actor=caseworker)
    assert flexible.get_form_display()


def test_the_database_keeps_one_open_registration_per_person(caseworker):
    person = person_in()
    first = unemployment_register(person=person, region=person.region, registered_on=D(2026, 1, 5), actor=caseworker)
    with pytest.raises(IntegrityError):
        EmploymentRegistration.objects.create(person=person, kind="employment", form="unit", region=person.region,
                                              registered_on=D(2026, 2, 1), certificate=first.certificate)
