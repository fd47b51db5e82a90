"""The portal's settings plus the baseline endpoints; used only by bench/load.py."""

from guangyuan_jobs.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.loadserver"]  # noqa: F405
ROOT_URLCONF = "bench.loadserver.urls"
