"""Background work of the command centre (idempotent)."""

from celery import shared_task


@shared_task
def briefs_place_task() -> int:
    """Every hour: from FRONTLINE_BRIEF_HOUR on, yesterday's brief in the commanders' inboxes (once an area and day)."""
    from .brief_services import briefs_place

    return briefs_place()
