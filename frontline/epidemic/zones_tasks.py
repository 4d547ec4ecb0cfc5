"""The daily task of control zones: the step-downs due today go to the commanders' inboxes."""

from celery import shared_task


@shared_task
def zone_step_down_proposals() -> int:
    """Daily (idempotent: a zone with an open proposal gets no second one)."""
    from .zones import zone_step_down_orders_create

    return len(zone_step_down_orders_create())
