"""Background work of scan storage: the day partitions created ahead and the purge (daily, idempotent)."""

from celery import shared_task

from .scan_storage import scan_partitions_ensure, scans_purge


@shared_task
def scan_partitions_ensure_task() -> int:
    """Daily: the partitions of the kept days and of FRONTLINE_SCAN_PARTITIONS_AHEAD days ahead exist."""
    return len(scan_partitions_ensure())


@shared_task
def scans_purge_task() -> int:
    """Daily: days older than FRONTLINE_SCAN_KEEP_DAYS dropped, open investigations' scans kept aside."""
    return len(scans_purge().days)
