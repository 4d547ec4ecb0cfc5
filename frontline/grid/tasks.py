"""Background work of the grid: checking and importing roster files (idempotent: a finished step is not redone)."""

from celery import shared_task

from .models import RosterImport
from .roster import roster_import_apply, roster_import_check


@shared_task
def roster_import_check_task(pk: int) -> None:
    record = RosterImport.objects.select_related("area", "uploaded_by").get(pk=pk)
    if record.status in (RosterImport.Status.UPLOADED, RosterImport.Status.CHECKED):
        roster_import_check(record)


@shared_task
def roster_import_apply_task(pk: int) -> None:
    record = RosterImport.objects.select_related("area", "uploaded_by").get(pk=pk)
    if record.ready_to_import:
        roster_import_apply(record)
