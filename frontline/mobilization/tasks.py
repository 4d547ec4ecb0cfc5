"""Background work of mobilization (idempotent)."""

from celery import shared_task

from .services import deployments_lapse_marks


@shared_task
def mark_deployment_dates() -> int:
    """Deployments begin and end by their dates: their areas' kept figures are recounted then."""
    return deployments_lapse_marks()
