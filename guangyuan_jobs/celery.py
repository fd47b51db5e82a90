"""The Celery app. Without REDIS_URL, settings make tasks run in process (the embedded demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guangyuan_jobs.settings")

app = Celery("guangyuan_jobs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
