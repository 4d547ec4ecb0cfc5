"""Bench 5(b): the companion search (时空伴随) over 14 days of entrance checks at 1% of the reference city.

    FRONTLINE_BENCH_TAG=_cases .venv/bin/python bench/companions.py --database postgresql --keep

The city is bench/city.py's (100,000 residents by default). Three checkpoints per community; every resident
passes the checkpoint of their community 2 or 3 times a day (out, and back in 1-3 hours later) for 14 days:
about 7 million scans, generated in SQL (generate_series, with the scans' indexes built after the insert),
once (--keep reuses them). Works whether the scans table is partitioned by day or not (missing day partitions
are created).

Timed in the same run (median of 5): the search through the service (`companions.companions_find`: live and
kept scans, the case's contacts left out) for a case at a busy checkpoint, and a hand-written PostgreSQL query of
the same rule on the live scans alone (native timestamps and intervals, DISTINCT ON). Goal: ratio ≤ 1.5, under
a second."""

import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city import arguments, median_time, open_city  # noqa: E402

DAYS = 14
SITES_PER_COMMUNITY = 3
BENCH_PREFIX = "bench卡口"

HAND_WRITTEN = """
WITH c AS (
  SELECT site_id, direction, scanned_at AS t, lead(direction) OVER w AS nd, lead(scanned_at) OVER w AS nt,
         lag(direction) OVER w AS pd
    FROM {scans} WHERE person_id = %(person)s AND scanned_at >= %(lo)s AND scanned_at < %(hi)s
  WINDOW w AS (PARTITION BY site_id ORDER BY scanned_at)
), cp AS (
  SELECT site_id, t AS s, CASE WHEN nd = 'out' THEN nt ELSE t + %(dwell)s END AS e FROM c WHERE direction = 'in'
  UNION ALL SELECT site_id, t - %(dwell)s, t FROM c WHERE direction = 'out' AND (pd IS NULL OR pd = 'out')
), o AS (
  SELECT person_id, site_id, direction, scanned_at AS t, lead(direction) OVER w AS nd, lead(scanned_at) OVER w AS nt,
         lag(direction) OVER w AS pd
    FROM {scans} WHERE site_id IN (SELECT DISTINCT site_id FROM cp) AND scanned_at >= %(lo)s AND scanned_at < %(hi)s
     AND person_id <> %(person)s
  WINDOW w AS (PARTITION BY person_id, site_id ORDER BY scanned_at)
), op AS (
  SELECT person_id, site_id, t AS s, CASE WHEN nd = 'out' THEN nt ELSE t + %(dwell)s END AS e FROM o
   WHERE direction = 'in'
  UNION ALL SELECT person_id, site_id, t - %(dwell)s, t FROM o WHERE direction = 'out' AND (pd IS NULL OR pd = 'out')
)
SELECT DISTINCT ON (op.person_id) op.person_id, op.site_id, least(op.e, cp.e) - greatest(op.s, cp.s) AS overlap,
       greatest(op.s, cp.s) AS met
  FROM op JOIN cp ON cp.site_id = op.site_id AND op.s < cp.e AND op.e > cp.s
 WHERE least(op.e, cp.e) - greatest(op.s, cp.s) > %(minimum)s
 ORDER BY op.person_id, overlap DESC, met
"""


def _partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = %s",
                   [table])
    return cursor.fetchone() is not None


def _day_partitions(cursor, table: str, first: datetime.date, days: int) -> None:
    """Partitions for the bench's days where the table is partitioned by day and has none covering them."""
    for i in range(days):
        day = first + datetime.timedelta(days=i)
        cursor.execute("SAVEPOINT part")
        try:
            cursor.execute(f'CREATE TABLE IF NOT EXISTS "{table}_b{day:%Y%m%d}" PARTITION OF "{table}" '
                           f"FOR VALUES FROM ('{day}') TO ('{day + datetime.timedelta(days=1)}')")
            cursor.execute("RELEASE SAVEPOINT part")
        except Exception:  # a partition of the store's own naming covers the day already
            cursor.execute("ROLLBACK TO SAVEPOINT part")


def generate_scans(today: datetime.date) -> int:
    """Checkpoints and 14 days of scans, set-based; returns the scans' count (made once)."""
    from django.db import connection, transaction

    from frontline.areas.models import Area, Building, Household, Site, SiteKind
    from frontline.epidemic.models import CheckpointScan
    from frontline.people.models import Resident

    scans = CheckpointScan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{scans}"')
        (n,) = cursor.fetchone()
    if n > 1_000_000:
        return n
    start = time.perf_counter()
    communities = list(Area.objects.filter(level="community").values_list("id", "name"))
    if not Site.objects.filter(name__startswith=BENCH_PREFIX).exists():
        Site.objects.bulk_create([Site(kind=SiteKind.CHECKPOINT, name=f"{BENCH_PREFIX}{name}{k}", area_id=pk)
                                  for pk, name in communities for k in range(SITES_PER_COMMUNITY)])
    first = today - datetime.timedelta(days=DAYS - 1)
    site, area, household, building, resident = (m._meta.db_table for m in (Site, Area, Household, Building, Resident))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        if _partitioned(cursor, scans):
            _day_partitions(cursor, scans, first, DAYS)
        cursor.execute(f'DELETE FROM "{scans}"')
        # Indexes built after the insert (one sort each) rather than maintained row by row.
        cursor.execute(f'ALTER TABLE "{scans}" DROP CONSTRAINT IF EXISTS scan_client_id_once_a_day')
        cursor.execute("DROP INDEX IF EXISTS scan_site_time")
        cursor.execute("DROP INDEX IF EXISTS scan_person_time")
        cursor.execute(f"""
CREATE TEMPORARY TABLE bench_sites ON COMMIT DROP AS
SELECT a.path AS cpath, s.id AS site_id, (row_number() OVER (PARTITION BY a.id ORDER BY s.id) - 1)::int AS k
  FROM "{site}" s JOIN "{area}" a ON a.id = s.area_id WHERE s.name LIKE %s""", [BENCH_PREFIX + "%"])
        cursor.execute(f"""
CREATE TEMPORARY TABLE bench_people ON COMMIT DROP AS
SELECT r.person_id, g.id AS grid_id, bs.site_id
  FROM "{resident}" r JOIN "{household}" h ON h.id = r.household_id JOIN "{building}" b ON b.id = h.building_id
  JOIN "{area}" g ON g.id = b.area_id
  JOIN bench_sites bs ON bs.cpath = left(g.path, 16) AND bs.k = r.person_id %% {SITES_PER_COMMUNITY}
 WHERE r.moved_out IS NULL""", [])
        # Pair j of day d: out at 07:00 + 4j h + up to 2 h, back in 1-3 h later (local time).
        cursor.execute(f"""
INSERT INTO "{scans}" (day, site_id, person_id, grid_id, direction, code_colour, itinerary_flag, temperature, passed,
                       reasons, scanned_at, received_at, client_id, staff_id)
SELECT x.day, x.site_id, x.person_id, x.grid_id, x.direction, 'green', false, 36.5, true, '', x.at, x.at,
       x.person_id || '-' || x.j || x.direction, NULL
  FROM (SELECT (%s::date + d) AS day, p.site_id, p.person_id, p.grid_id, dir.direction, j,
               ((%s::date + d)::timestamp AT TIME ZONE 'Asia/Shanghai')
               + make_interval(hours => 7 + 4 * j, mins => ((p.person_id * 7 + d * 13 + j * 31) %% 120)::int)
               + make_interval(mins => (dir.o * (60 + (p.person_id %% 120)))::int) AS at
          FROM bench_people p CROSS JOIN generate_series(0, {DAYS - 1}) d CROSS JOIN generate_series(0, 2) j
          CROSS JOIN (VALUES ('out', 0), ('in', 1)) AS dir(direction, o)
         WHERE j < 2 + ((p.person_id + d) %% 2)) x""", [first, first])
        inserted = cursor.rowcount
        cursor.execute(f'ALTER TABLE "{scans}" ADD CONSTRAINT scan_client_id_once_a_day UNIQUE (client_id, day)')
        cursor.execute(f'CREATE INDEX scan_site_time ON "{scans}" (site_id, scanned_at)')
        cursor.execute(f'CREATE INDEX scan_person_time ON "{scans}" (person_id, scanned_at)')
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{scans}"')
    print(f"generated {inserted:,} scans over {DAYS} days at {len(communities) * SITES_PER_COMMUNITY} checkpoints "
          f"in {time.perf_counter() - start:.0f} s")
    return inserted


def main():
    args = arguments(__doc__)
    if args.database != "postgresql":
        sys.exit("bench 5(b) runs on PostgreSQL: --database postgresql")
    open_city(args)

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from frontline.epidemic.companions import companions_find
    from frontline.epidemic.models import Case, CheckpointScan

    now = timezone.now()
    total = generate_scans(timezone.localdate(now))
    scans = CheckpointScan._meta.db_table
    # The case: a resident of the busiest checkpoint, with a case row (opened once, kept with --keep).
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT site_id FROM "{scans}" GROUP BY site_id ORDER BY count(*) DESC LIMIT 1')
        (site_id,) = cursor.fetchone()
        cursor.execute(f'SELECT person_id, grid_id FROM "{scans}" WHERE site_id = %s ORDER BY scanned_at DESC LIMIT 1',
                       [site_id])
        person_id, grid_id = cursor.fetchone()
        cursor.execute(f'SELECT count(*) FROM "{scans}" WHERE site_id = %s', [site_id])
        (at_site,) = cursor.fetchone()
    case = (Case.objects.filter(person_id=person_id, status="open").first()
            or Case.objects.create(person_id=person_id, area_id=grid_id, grid_id=grid_id, opened_at=now,
                                   source="manual", note="bench"))
    lo, hi = now - datetime.timedelta(days=settings.FRONTLINE_COMPANION_DAYS), now
    params = {"person": person_id, "lo": lo, "hi": hi,
              "dwell": datetime.timedelta(minutes=settings.FRONTLINE_DWELL_MINUTES),
              "minimum": datetime.timedelta(minutes=settings.FRONTLINE_COMPANION_MINUTES)}
    hand = HAND_WRITTEN.format(scans=f'"{scans}"')

    def raw():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(hand, params)
            return cursor.fetchall()

    service_s, found = median_time(lambda: companions_find(case, now))
    raw_s, rows = median_time(raw)
    service_s, found = median_time(lambda: companions_find(case, now))  # again, after the raw query warmed the cache
    print(f"scans: {total:,} over {DAYS} days; the case's checkpoint has {at_site:,}")
    print(f"companions found: service {len(found):,}, hand-written {len(rows):,}")
    assert {c.person_id for c in found} == {r[0] for r in rows}, "the service and the hand-written query disagree"
    print(f"companion search: service {service_s * 1000:.0f} ms, hand-written SQL {raw_s * 1000:.0f} ms, "
          f"ratio {service_s / raw_s:.2f} (goal ≤ 1.5, under 1 s)")


if __name__ == "__main__":
    main()
