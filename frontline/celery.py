"""Celery application. Tasks go through `FrontlineTask`, which sends them to the runner the settings name
(`frontline/core/background.py`: Celery with REDIS_URL, a worker thread of the web process without it,
eager in tests). Beat's schedule is what the apps registered in `plugins.scheduled_tasks`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

app = Celery("frontline", task_cls="frontline.core.background:FrontlineTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_from_plugins(sender, **kwargs) -> None:
    """Celery beat runs the scheduled tasks the apps registered. The app is finalized after Django's set-up
    (the worker and beat load Django first; web processes use tasks only once Django is ready)."""
    from django.apps import apps

    if apps.ready:
        from frontline.core.background import beat_schedule

        sender.conf.beat_schedule = beat_schedule()
