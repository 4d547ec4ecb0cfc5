"""Frontline's settings with the bench-only URLconf: everything else (middleware, database) the same."""

from frontline.settings import *  # noqa: F403

ROOT_URLCONF = "bench.page_bare.urls"
