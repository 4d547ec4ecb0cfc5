"""Where entrance checks are stored and for how long: the day partitions of `CheckpointScan` on PostgreSQL
(created ahead, dropped by the purge), the purge with its keep-aside for open investigations, and the
reads that see live and kept scans together.

On PostgreSQL the table is partitioned by `day` (migration 0006_store_partitions) with a DEFAULT partition:
a scan for a day whose partition does not exist yet still lands (the scan service acknowledges nothing it has
not stored), and when that day's partition is created its rows are moved out of the default one in the same
transaction (a default partition holding rows of a day would otherwise refuse the new partition). Partitions
are created as plain tables and then ATTACHed: ATTACH takes a lock on the parent that does not stop inserts,
where CREATE TABLE ... PARTITION OF would. On SQLite the table is plain and the purge deletes the days' rows.
"""

import datetime
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from frontline.core.audit import audit_record
from frontline.core.models import AuditAction

from .models import Case, CaseStatus, CheckpointScan, Contact, KeptScan

logger = logging.getLogger(__name__)

TABLE = CheckpointScan._meta.db_table
DEFAULT = f"{TABLE}_default"
_NAME = re.compile(rf"^{TABLE}_p(\d{{8}})$")
# A lock on the parent (DETACH) or on the default partition (moving its rows) waits at most this long, so that
# a long read never makes the scanners' inserts queue behind the purge; the step is tried again a little later.
LOCK_TIMEOUT = "3s"
LOCK_TRIES = 3
_ADVISORY_KEY = 0x5CA11ED  # one partition maker at a time (the task, a migrate, the demo)
PURGE_NOTE = "scans purged"

# The columns a scan and a kept scan share, in this order.
COLUMNS = ("id", "day", "site_id", "person_id", "grid_id", "direction", "code_colour", "itinerary_flag",
           "temperature", "passed", "reasons", "scanned_at", "received_at", "client_id", "staff_id")


def partitioned() -> bool:
    """Is the scans' table partitioned (PostgreSQL after migration 0006)? False on SQLite."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition_name(day: datetime.date) -> str:
    return f"{TABLE}_p{day:%Y%m%d}"


def scan_partitions() -> list[datetime.date]:
    """The days that have a partition of their own (PostgreSQL), in order; [] on SQLite."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = %s::regclass", [TABLE])
        names = [name for (name,) in cursor.fetchall()]
    return sorted(datetime.datetime.strptime(m.group(1), "%Y%m%d").date()
                  for m in map(_NAME.match, names) if m)


def _with_lock_retries(step, what: str):
    for attempt in range(1, LOCK_TRIES + 1):
        try:
            return step()
        except Exception as error:  # lock_timeout: psycopg's LockNotAvailable, wrapped by Django
            if "lock timeout" not in str(error) or attempt == LOCK_TRIES:
                raise
            logger.warning("%s: lock not obtained (try %s of %s)", what, attempt, LOCK_TRIES)
            time.sleep(attempt)


def _partition_create(day: datetime.date) -> bool:
    """Create the day's partition (moving its rows out of the default partition); False if it was there."""
    name, after = partition_name(day), day + datetime.timedelta(days=1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # No scan of that day may land in the default partition between the move and the attach.
        cursor.execute(f"LOCK TABLE {DEFAULT} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
        # The bound as a constraint lets ATTACH skip checking the rows; dropped once attached.
        cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_bound CHECK (day >= %s AND day < %s)",
                       [day, after])
        cursor.execute(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE day = %s RETURNING *) "
                       f"INSERT INTO {name} SELECT * FROM moved", [day])
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [day, after])
        cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bound")
    return True


def scan_partitions_ensure(today: datetime.date | None = None, ahead: int | None = None,
                           keep_days: int | None = None) -> list[datetime.date]:
    """Make sure every day from `today - keep_days` to `today + ahead` has its partition (PostgreSQL; nothing
    on SQLite). Idempotent: returns the days created now. Run by `migrate` (post_migrate), the demo and a daily
    task, so a scan today always has its partition (and the default partition catches any other)."""
    if not partitioned():
        return []
    today = today or timezone.localdate()
    ahead = settings.FRONTLINE_SCAN_PARTITIONS_AHEAD if ahead is None else ahead
    keep_days = settings.FRONTLINE_SCAN_KEEP_DAYS if keep_days is None else keep_days
    have = set(scan_partitions())
    created = []
    for offset in range(-keep_days, ahead + 1):
        day = today + datetime.timedelta(days=offset)
        if day not in have and _with_lock_retries(lambda day=day: _partition_create(day), f"partition {day}"):
            created.append(day)
    return created


# --- the purge ---------------------------------------------------------------------------------------------

@dataclass
class PurgeResult:
    days: list[datetime.date]
    dropped: int  # scans deleted, kept ones included
    kept: int  # scans copied aside for open investigations (new copies)


def _open_people_sql() -> str:
    return (f"SELECT person_id FROM {Case._meta.db_table} WHERE status = '{CaseStatus.OPEN.value}' "
            f"UNION SELECT person_id FROM {Contact._meta.db_table} WHERE closed_at IS NULL")


def _keep_aside(cursor, day: datetime.date, now: datetime.datetime) -> int:
    """Copy the day's scans of people in an open investigation into KeptScan: one statement; a scan copied
    before (a purge that stopped half-way) is not copied twice."""
    users = get_user_model()._meta.db_table
    ops = connection.ops
    select = ", ".join("u.id" if c == "staff_id" else f"s.{c}" for c in COLUMNS)
    cursor.execute(
        f"INSERT INTO {KeptScan._meta.db_table} ({', '.join(COLUMNS)}, kept_at) "
        f"SELECT {select}, %s FROM {TABLE} s LEFT JOIN {users} u ON u.id = s.staff_id "
        f"WHERE s.day = %s AND s.person_id IN ({_open_people_sql()}) ON CONFLICT (id) DO NOTHING",
        [ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(day)])
    return max(cursor.rowcount, 0)


def _purge_day(day: datetime.date, has_partition: bool, now: datetime.datetime) -> tuple[int, int]:
    """Keep aside, then drop the day's partition (PostgreSQL) or delete its rows; (dropped, kept)."""
    with transaction.atomic(), connection.cursor() as cursor:
        kept = _keep_aside(cursor, day, now)
    dropped = 0
    if has_partition:
        name = partition_name(day)

        def detach():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                cursor.execute(f"SELECT count(*) FROM {name}")
                n = cursor.fetchone()[0]
                cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
                cursor.execute(f"DROP TABLE {name}")
                return n

        dropped += _with_lock_retries(detach, f"dropping partition {day}")
        return dropped, kept
    with transaction.atomic(), connection.cursor() as cursor:  # the plain table, or the default partition
        cursor.execute(f"DELETE FROM {DEFAULT if partitioned() else TABLE} WHERE day = %s",
                       [connection.ops.adapt_datefield_value(day)])
        dropped += max(cursor.rowcount, 0)
    return dropped, kept


def _days_to_purge(before: datetime.date) -> tuple[list[datetime.date], set[datetime.date]]:
    """Days older than `before` that hold scans or a partition, and which of them have a partition."""
    if not partitioned():
        return sorted(CheckpointScan.objects.filter(day__lt=before).values_list("day", flat=True).distinct()), set()
    with_partition = {d for d in scan_partitions() if d < before}
    with connection.cursor() as cursor:  # days without a partition of their own: the default partition's
        cursor.execute(f"SELECT DISTINCT day FROM {DEFAULT} WHERE day < %s", [before])
        return sorted(with_partition | {day for (day,) in cursor.fetchall()}), with_partition


def scans_purge(now: datetime.datetime | None = None, keep_days: int | None = None) -> PurgeResult:
    """Purge the scans of every day older than `keep_days` (FRONTLINE_SCAN_KEEP_DAYS): first copy aside
    (KeptScan) those of people with an open case or an open contact, then drop the day's partition (DETACH,
    DROP) on PostgreSQL or delete its rows on SQLite. One audit entry for a purge that purged anything: the
    days, the scans dropped and the scans kept aside. Idempotent: a purge that stopped half-way is finished by
    the next one, and copies nothing twice."""
    now = now or timezone.now()
    keep_days = settings.FRONTLINE_SCAN_KEEP_DAYS if keep_days is None else keep_days
    before = timezone.localdate(now) - datetime.timedelta(days=keep_days)
    days, with_partition = _days_to_purge(before)
    dropped = kept = 0
    for day in days:
        d, k = _purge_day(day, day in with_partition, now)
        dropped, kept = dropped + d, kept + k
    result = PurgeResult(days=days, dropped=dropped, kept=kept)
    if days:
        audit_record(actor=None, action=AuditAction.DELETE, note=PURGE_NOTE,
                     changes={"days": [d.isoformat() for d in days], "dropped": dropped, "kept": kept,
                              "keep_days": keep_days})
    return result


# --- reading live and kept scans together ------------------------------------------------------------------

def scans_between(since: datetime.datetime, until: datetime.datetime, *, person_ids=None, site_ids=None):
    """Scans with `since <= scanned_at < until`, live (CheckpointScan) and kept aside (KeptScan) together, as
    a queryset of dicts with `COLUMNS` (UNION ALL; a scan both live and kept — its day not yet dropped — comes
    once). Filtered by people and/or sites when given; the days bound the live side, so PostgreSQL reads only
    those days' partitions. No access check: the caller checked the actor's right over the investigation."""
    days = {"day__gte": timezone.localdate(since), "day__lte": timezone.localdate(until)}
    times = {"scanned_at__gte": since, "scanned_at__lt": until}
    narrow = {}
    if person_ids is not None:
        narrow["person_id__in"] = list(person_ids)
    if site_ids is not None:
        narrow["site_id__in"] = list(site_ids)
    live = CheckpointScan.objects.filter(**days, **times, **narrow)
    kept = (KeptScan.objects.filter(**days, **times, **narrow)
            .filter(~Exists(CheckpointScan.objects.filter(id=OuterRef("id"), day=OuterRef("day")))))
    return live.values(*COLUMNS).union(kept.values(*COLUMNS), all=True)


def scans_of_person(person_id: int, since: datetime.datetime, until: datetime.datetime) -> list[dict]:
    """A person's trace: their scans between two moments, live and kept aside alike, in time order."""
    return list(scans_between(since, until, person_ids=[person_id]).order_by("scanned_at", "id"))
