"""Where background work runs (FRONTLINE_TASK_RUNNER):

- "celery" (with REDIS_URL): Celery workers take the tasks from Redis; Celery beat runs the scheduled
  tasks of `plugins.scheduled_tasks` (`beat_schedule`, installed by `frontline/celery.py`).
- "thread" (the embedded default, no broker): `.delay()` hands the task to one worker thread of the
  web process, so no request parses a file or waits for an import; the same thread runs the scheduled
  tasks when they are due (started by `frontline/wsgi.py`). One thread: tasks run one after another,
  each closing its database connections when done. Run one web process in this mode (the demo does):
  progress and heartbeats are kept in the process's own cache.
- "eager" (tests): `.delay()` runs the task at once, in the caller.

Every task goes through `FrontlineTask` (the Celery app's task class), which picks the runner.
"""

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from celery import Task
from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

from . import plugins

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_scheduler: threading.Thread | None = None
TICK_SECONDS = 15  # how often the scheduler looks for due tasks


class ThreadResult:
    """What `.delay()` returns in the thread runner: enough of Celery's AsyncResult for callers."""

    def __init__(self, future: Future):
        self.future = future

    def get(self, timeout: float | None = None):
        return self.future.result(timeout)

    def ready(self) -> bool:
        return self.future.done()


def _executor_get() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontline-task")
        return _executor


def _run(task: Task, args, kwargs):
    try:
        return task.apply(args=args, kwargs=kwargs, throw=True).get()
    except Exception:
        logger.exception("task %s failed", task.name)
        raise
    finally:
        connections.close_all()  # this thread's connections: the next task opens fresh ones


def submit(task: Task, args=(), kwargs=None) -> ThreadResult:
    """Queue a task for the worker thread of this process."""
    return ThreadResult(_executor_get().submit(_run, task, tuple(args or ()), dict(kwargs or {})))


class FrontlineTask(Task):
    """Celery's task, sent to the runner the settings name."""

    def apply_async(self, args=None, kwargs=None, **options):
        if settings.FRONTLINE_TASK_RUNNER == "thread":
            return submit(self, args, kwargs)
        return super().apply_async(args, kwargs, **options)  # Celery, or eager (CELERY_TASK_ALWAYS_EAGER)


def beat_schedule() -> dict:
    """Celery beat's schedule, from what the apps registered in `plugins.scheduled_tasks`."""
    return {t.code: {"task": t.task, "schedule": t.every.total_seconds()} for t in plugins.scheduled_tasks}


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """Queue the scheduled tasks that are due (never run, or `every` since their last run); returns their codes."""
    due = []
    for scheduled in plugins.scheduled_tasks:
        if now - last_run.get(scheduled.code, float("-inf")) >= scheduled.every.total_seconds():
            last_run[scheduled.code] = now
            submit(import_string(scheduled.task))  # importing registers it, as a worker's autodiscovery would
            due.append(scheduled.code)
    return due


def _schedule_forever() -> None:
    last_run: dict[str, float] = {}
    while True:
        try:
            run_due(last_run, time.monotonic())
        except Exception:  # a bad registration must not stop the others for good
            logger.exception("scheduling background tasks failed")
        time.sleep(TICK_SECONDS)


def start() -> bool:
    """In the thread runner, start the scheduler of this process (once); True if it runs."""
    global _scheduler
    if settings.FRONTLINE_TASK_RUNNER != "thread":
        return False
    with _lock:
        if _scheduler is None:
            _scheduler = threading.Thread(target=_schedule_forever, name="frontline-scheduler", daemon=True)
            _scheduler.start()
    return True
