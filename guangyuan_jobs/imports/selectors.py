"""Reads shared by every import: its progress."""

from dataclasses import dataclass

from guangyuan_jobs.imports.models import FINISHED, ImportStatus


@dataclass(frozen=True)
class ImportProgress:
    percent: int
    running: bool
    done: bool


def job_progress(job) -> ImportProgress:
    if job.status in FINISHED:
        return ImportProgress(percent=100, running=False, done=True)
    done = job.status == ImportStatus.FAILED
    percent = int(job.rows_processed * 100 / job.rows_total) if job.rows_total else 0
    return ImportProgress(percent=min(percent, 100), running=not done, done=done)
