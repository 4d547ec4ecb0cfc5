"""Background work of the core: escalation of overdue work orders, the check and the import of an uploaded
file of any kind, and the purge of old import files (each idempotent: a finished step is not redone)."""

from celery import shared_task

from .imports import import_record_apply, import_record_check, imports_purge
from .services import work_orders_escalate_overdue


@shared_task
def escalate_overdue_work_orders() -> int:
    return work_orders_escalate_overdue()


@shared_task
def import_check_task(pk: int) -> None:
    import_record_check(pk)


@shared_task
def import_apply_task(pk: int) -> None:
    import_record_apply(pk)


@shared_task
def purge_import_files() -> int:
    return imports_purge()


@shared_task
def lapse_assignments() -> int:
    """Daily: the work of assignments that ended by their date goes back to the role at their place."""
    from .accounts import assignments_lapse

    return assignments_lapse()


@shared_task
def expire_export_requests() -> int:
    """Hourly: approvals whose day is over are marked expired (the download refuses them either way)."""
    from .export_requests import export_requests_expire

    return export_requests_expire()
