import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guangyuan_jobs.core.errors import ConflictError, ForbiddenError, NotFoundError
from startup_parks.models import JobsReport
from startup_parks.selectors import park_get_for
from startup_parks.services.parks import jobs_report, park_register, resident_add, resident_move_out
from tests.factories import EnterpriseFactory

D = datetime.date


def test_occupancy_counts_firms_in_the_park_today_and_jobs_all_reports(crew):
    park = crew.park()
    firms = [EnterpriseFactory() for _ in range(3)]
    today = timezone.localdate()
    staying = resident_add(park=park, credit_code=firms[0].credit_code, moved_in_on=D(2025, 1, 10),
                           actor=crew.operator)
    leaving = resident_add(park=park, credit_code=firms[1].credit_code, moved_in_on=D(2025, 2, 1), actor=crew.entry)
    resident_add(park=park, credit_code=firms[2].credit_code, moved_in_on=today + datetime.timedelta(days=5),
                 actor=crew.entry)  # moving in next week: not there yet
    jobs_report(resident=staying, period="2025-03", jobs_created=4, actor=crew.operator)
    jobs_report(resident=leaving, period="2025-03", jobs_created=2, actor=crew.entry)
    resident_move_out(resident=leaving, moved_out_on=D(2025, 6, 30), actor=crew.operator)
    seen = park_get_for(user=crew.manager, ref=park.ref)
    assert (seen.residents_now, seen.jobs_total) == (1, 6)


def test_a_second_report_for_the_month_corrects_the_first(crew):
    park = crew.park()
    resident = resident_add(park=park, credit_code=EnterpriseFactory().credit_code, moved_in_on=D(2025, 1, 1),
                            actor=crew.operator)
    jobs_report(resident=resident, period="2025-04", jobs_created=5, actor=crew.operator)
    jobs_report(resident=resident, period=D(2025, 4, 15), jobs_created=3, actor=crew.entry)
    assert list(JobsReport.objects.values_list("period", "jobs_created")) == [(D(2025, 4, 1), 3)]


def test_jobs_only_for_months_the_firm_was_in_the_park(crew):
    park = crew.park()
    resident = resident_add(park=park, credit_code=EnterpriseFactory().credit_code, moved_in_on=D(2025, 3, 20),
                            actor=crew.operator)
    jobs_report(resident=resident, period="2025-03", jobs_created=1, actor=crew.operator)  # the move-in month
    with pytest.raises(ValidationError):
        jobs_report(resident=resident, period="2025-02", jobs_created=1, actor=crew.operator)
    resident_move_out(resident=resident, moved_out_on=D(2025, 8, 31), actor=crew.operator)
    jobs_report(resident=resident, period="2025-08", jobs_created=1, actor=crew.operator)
    with pytest.raises(ValidationError):
        jobs_report(resident=resident, period="2025-09", jobs_created=1, actor=crew.operator)
    with pytest.raises(ValidationError):
        jobs_report(resident=resident, period="2025-05", jobs_created=-1, actor=crew.operator)


def test_a_firm_is_in_a_park_once_at_a_time_and_moves_out_after_it_moved_in(crew):
    park = crew.park()
    firm = EnterpriseFactory()
    resident = resident_add(park=park, credit_code=firm.credit_code, moved_in_on=D(2025, 5, 1), actor=crew.operator)
    with pytest.raises(ConflictError):
        resident_add(park=park, credit_code=firm.credit_code, moved_in_on=D(2025, 6, 1), actor=crew.operator)
    with pytest.raises(ValidationError):
        resident_move_out(resident=resident, moved_out_on=D(2025, 4, 30), actor=crew.operator)
    resident_move_out(resident=resident, moved_out_on=D(2025, 5, 1), actor=crew.operator)  # the same day
    resident_add(park=park, credit_code=firm.credit_code, moved_in_on=D(2026, 1, 1), actor=crew.operator)
    with pytest.raises(ValidationError):  # not in the registry
        resident_add(park=park, credit_code="91510802MA6PK0XXXX", moved_in_on=D(2025, 5, 1), actor=crew.operator)
    with pytest.raises(ValidationError):  # the operator is not its own resident
        resident_add(park=park, credit_code=park.operator.credit_code, moved_in_on=D(2025, 5, 1), actor=crew.entry)


def test_only_the_operator_and_entry_staff_of_the_area_record(crew):
    park = crew.park()
    firm = EnterpriseFactory()
    for outsider in (crew.other_operator, crew.reviewer, crew.manager, crew.person):
        with pytest.raises(ForbiddenError):
            resident_add(park=park, credit_code=firm.credit_code, moved_in_on=D(2025, 5, 1), actor=outsider)
    from tests.factories import make_user

    cangxi_entry = make_user("entry", region_code="510824")
    with pytest.raises(NotFoundError):
        resident_add(park=park, credit_code=firm.credit_code, moved_in_on=D(2025, 5, 1), actor=cangxi_entry)


def test_park_registration_by_staff_names_the_operator_and_stays_in_their_area(crew):
    operator = EnterpriseFactory()
    data = {"name": "苍溪孵化基地", "kind": "incubator", "level": "county", "region": "510824",
            "operator_credit_code": operator.credit_code, "area_m2": "800.5", "address": "苍溪县陵江镇"}
    park = park_register(data=data, actor=crew.entry)
    assert park.operator == operator and park.ref.startswith("YQ-")
    from tests.factories import make_user

    lizhou_entry = make_user("entry", region_code="510802")
    with pytest.raises(ValidationError) as refused:
        park_register(data={**data, "name": "另一个"}, actor=lizhou_entry)
    assert "region" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        park_register(data={**data, "area_m2": "0", "kind": "zoo", "region": "510800"}, actor=crew.entry)
    assert {"area_m2", "kind", "region"} <= set(refused.value.message_dict)
    for outsider in (crew.reviewer, crew.person):
        with pytest.raises(ForbiddenError):
            park_register(data=data, actor=outsider)
