from celery import shared_task


@shared_task(name="guangyuan_jobs.core.tasks.stalled_jobs_resume", ignore_result=True)
def stalled_jobs_resume() -> dict[str, int]:
    from guangyuan_jobs.core.resumable import stalled_jobs_resume as resume

    return resume()
