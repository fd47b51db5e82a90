"""A job recorded while the broker was down is not lost: the request still succeeds, and the beat task queues
the job again once it has waited longer than JOBS_STALLED_AFTER_SECONDS (core/resumable.py)."""

import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import BatchJob, Case, CaseStatus
from guangyuan_jobs.casework.tasks import batch_run
from guangyuan_jobs.core.resumable import resumable_jobs, stalled_jobs_resume
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.services import export_start
from guangyuan_jobs.reports.tasks import export_run
from tests.casework.conftest import crew  # noqa: F401 - the fixture
from tests.casework.test_batches import many_reviewed


def broker_down(*_args, **_kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_every_job_model_with_a_task_is_listed():
    assert {job.model for job in resumable_jobs()} >= {
        "casework.BatchJob", "reports.ExportJob", "subsidies.PolicyPush", "subsidies.RosterImport",
        "priority_groups.PersonRosterImport", "integrity.SourceImport"}


@pytest.mark.django_db
def test_a_batch_started_while_the_broker_is_down_is_run_by_the_sweeper(crew, monkeypatch,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    cases = many_reviewed(crew, 5)
    monkeypatch.setattr(batch_run, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    job.refresh_from_db()
    assert job.status == BatchJob.Status.PENDING  # recorded, the caseworker sees it waiting
    monkeypatch.undo()

    assert stalled_jobs_resume(now=later(5)) == {}  # not yet: its task may simply be queued behind others
    assert stalled_jobs_resume(now=later(11)) == {"casework.BatchJob": 1}
    job.refresh_from_db()
    assert (job.status, job.applied) == (BatchJob.Status.COMPLETED, 5)
    assert Case.objects.filter(status=CaseStatus.APPROVED).count() == 5
    assert stalled_jobs_resume(now=later(30)) == {}  # done jobs are left alone


@pytest.mark.django_db
def test_an_export_requested_while_the_broker_is_down_is_produced_by_the_sweeper(staff, monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    monkeypatch.setattr(export_run, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(report="case_register", filters={}, actor=staff("manager"))
    monkeypatch.undo()
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.PENDING
    assert stalled_jobs_resume(now=later(11)) == {"reports.ExportJob": 1}
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.COMPLETED
