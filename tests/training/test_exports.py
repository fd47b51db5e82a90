"""The training reports run through the export jobs of `reports`: scoped, masked (no full ID number), no formula."""

import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.services import export_start
from tests.conftest import full_id_numbers_in
from tests.training.conftest import announced_session, frozen_package
from training.services import delivery, draws


@pytest.fixture
def delivered(officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:2])
    draws.session_draw(session=announced_session(officer, [package]), public_numbers="1 2 3", actor=officer)
    package.refresh_from_db()
    account = next(acc for inst, acc in institutions[:2] if inst.pk == package.contractor_id)
    klass = delivery.class_file(package=package, starts_on=timezone.localdate() - datetime.timedelta(2),
                                ends_on=timezone.localdate(), address="利州区", teacher_names="张老师", actor=account)
    from tests.factories import PersonFactory

    delivery.trainee_add(training_class=klass, person=PersonFactory(name="=HYPERLINK(\"x\")"), actor=account)
    delivery.supervision_record(training_class=klass, layer="on_site", visited_on=timezone.localdate(),
                                inspector="王敏", findings="-签到不全", correction_required="补签",
                                correction_due=timezone.localdate(), actor=officer)
    return package, klass


@pytest.mark.parametrize("report", ["training_trainees", "training_trainees_by_month", "training_packages",
                                    "training_supervision"])
def test_each_training_report_exports_masked_rows_without_formulas(report, officer, delivered,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(report=report, filters={}, actor=officer)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED, job.error
    assert job.rows_written >= 1
    book = load_workbook(job.file.path)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert not any(c.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    assert not full_id_numbers_in(" ".join(cells))


def test_a_district_officer_exports_only_their_district(district_officer, delivered,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(report="training_trainees", filters={}, actor=district_officer)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.COMPLETED and job.rows_written == 0
