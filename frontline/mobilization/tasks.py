"""Background work of mobilization (idempotent)."""

from celery import shared_task

from .services import deployments_lapse_marks


@shared_task
def mark_deployment_dates() -> int:
    """Deployments begin and end by their dates: their areas' kept figures are recounted then."""
    return deployments_lapse_marks()


@shared_task
def stationing_shortfall() -> int:
    """Once the previous month's grace days are over, one work order per home unit under the minimum
    (idempotent: a unit's order for a month is made once)."""
    from .stationing_services import stationing_shortfall_due

    return stationing_shortfall_due()


@shared_task
def dissolve_temporary_orgs() -> int:
    """Temporary party organizations of sites that closed and teams dissolved end with them."""
    from .partyorg_services import temporary_orgs_dissolve_closed

    return temporary_orgs_dissolve_closed()
