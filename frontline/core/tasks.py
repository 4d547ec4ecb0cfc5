"""Background work of the core: escalation of overdue work orders (Celery beat, every 10 minutes)."""

from celery import shared_task

from .services import work_orders_escalate_overdue


@shared_task
def escalate_overdue_work_orders() -> int:
    return work_orders_escalate_overdue()
