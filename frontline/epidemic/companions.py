"""Companions in time and place (时空伴随): the people present at the same checkpoint site as a case with an overlap
of more than FRONTLINE_COMPANION_MINUTES, within the last FRONTLINE_COMPANION_DAYS.

Presence at a site runs from a person's in-scan to their next scan there when that one is an out-scan; an
in-scan followed by another in-scan, or by nothing, lasts FRONTLINE_DWELL_MINUTES. An out-scan with no in-scan
before it (the person came in unscanned, or their in-scan is older than the window) is a presence of the dwell
*before* it. Only scans inside the window count (an in-scan older than the window opens nothing).

The search is one SQL statement (the same text on SQLite and PostgreSQL but for the time arithmetic: timestamps
and intervals on PostgreSQL, epoch seconds on SQLite; and the min/max functions): the case's scans, live
(`CheckpointScan`) and kept aside past the purge (`KeptScan`, read only where the live row is gone), become
intervals with LEAD over (site ORDER BY time); the other people's scans at the case's sites in the window (the
(site_id, scanned_at) index) become intervals with LEAD over (person, site ORDER BY time); an interval-overlap
join on site keeps the overlaps above the rule, and each person's longest one is returned (its site and the
moment they met). The case's person and the case's contacts already found are left out."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import CheckpointScan, Contact, KeptScan


@dataclass(frozen=True)
class Companion:
    person_id: int
    site_id: int
    overlap_seconds: float
    met_at: datetime.datetime

    @property
    def overlap_minutes(self) -> int:
        return int(self.overlap_seconds // 60)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _time(column: str) -> str:
    """A scan's time as the query computes with it: the timestamp itself on PostgreSQL (intervals), whole epoch
    seconds on SQLite (which stores text)."""
    return column if _pg() else f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _span(minutes: int):
    return datetime.timedelta(minutes=minutes) if _pg() else minutes * 60


def _least_greatest() -> tuple[str, str]:
    return ("LEAST", "GREATEST") if _pg() else ("MIN", "MAX")


def _presence(steps: str, person: str) -> str:
    """Intervals (s, e) from a steps CTE (direction, t, next_dir, next_t, prev_dir)."""
    return (f"SELECT {person}site_id, t AS s, CASE WHEN next_dir = 'out' THEN next_t ELSE t + %s END AS e "
            f"FROM {steps} WHERE direction = 'in' "
            f"UNION ALL SELECT {person}site_id, t - %s AS s, t AS e "
            f"FROM {steps} WHERE direction = 'out' AND (prev_dir IS NULL OR prev_dir = 'out')")


def companion_sql() -> str:
    """The statement; parameters in order (`companion_params`)."""
    live, kept, contact = (f'"{m._meta.db_table}"' for m in (CheckpointScan, KeptScan, Contact))
    least, greatest = _least_greatest()
    seconds = "EXTRACT(EPOCH FROM overlap)" if _pg() else "overlap"
    ep = _time("scanned_at")
    # A scan kept aside is read only when its live row is gone (kept scans keep the live scan's id).
    return f"""
WITH case_scans AS (
  SELECT site_id, direction, {ep} AS t FROM {live}
   WHERE person_id = %s AND scanned_at >= %s AND scanned_at < %s
  UNION ALL
  SELECT site_id, direction, {ep} AS t FROM {kept} k
   WHERE person_id = %s AND scanned_at >= %s AND scanned_at < %s
     AND NOT EXISTS (SELECT 1 FROM {live} s WHERE s.id = k.id)
), case_steps AS (
  SELECT site_id, direction, t, LEAD(direction) OVER w AS next_dir, LEAD(t) OVER w AS next_t,
         LAG(direction) OVER w AS prev_dir
    FROM case_scans WINDOW w AS (PARTITION BY site_id ORDER BY t)
), case_presence AS (
  {_presence("case_steps", "")}
), case_sites AS (
  SELECT DISTINCT site_id FROM case_presence
), other_scans AS (
  SELECT person_id, site_id, direction, {ep} AS t FROM {live}
   WHERE site_id IN (SELECT site_id FROM case_sites) AND scanned_at >= %s AND scanned_at < %s AND person_id <> %s
  UNION ALL
  SELECT person_id, site_id, direction, {ep} AS t FROM {kept} k
   WHERE site_id IN (SELECT site_id FROM case_sites) AND scanned_at >= %s AND scanned_at < %s AND person_id <> %s
     AND NOT EXISTS (SELECT 1 FROM {live} s WHERE s.id = k.id)
), other_steps AS (
  SELECT person_id, site_id, direction, t, LEAD(direction) OVER w AS next_dir, LEAD(t) OVER w AS next_t,
         LAG(direction) OVER w AS prev_dir
    FROM other_scans WINDOW w AS (PARTITION BY person_id, site_id ORDER BY t)
), other_presence AS (
  {_presence("other_steps", "person_id, ")}
), together AS (
  SELECT o.person_id, o.site_id, {least}(o.e, c.e) - {greatest}(o.s, c.s) AS overlap, {greatest}(o.s, c.s) AS met
    FROM other_presence o JOIN case_presence c ON c.site_id = o.site_id AND o.s < c.e AND o.e > c.s
), ranked AS (
  SELECT person_id, site_id, overlap, met,
         ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY overlap DESC, met, site_id) AS n
    FROM together WHERE overlap > %s
)
SELECT person_id, site_id, {seconds}, met FROM ranked r
 WHERE n = 1 AND NOT EXISTS (SELECT 1 FROM {contact} k WHERE k.case_id = %s AND k.person_id = r.person_id)
"""


def companion_window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return now - datetime.timedelta(days=settings.FRONTLINE_COMPANION_DAYS), now


def companion_params(*, case_id: int, person_id: int, now: datetime.datetime) -> list:
    lo, hi = companion_window(now)
    adapt = connection.ops.adapt_datetimefield_value
    lo, hi = adapt(lo), adapt(hi)
    dwell = _span(settings.FRONTLINE_DWELL_MINUTES)
    return [person_id, lo, hi, person_id, lo, hi, dwell, dwell,
            lo, hi, person_id, lo, hi, person_id, dwell, dwell,
            _span(settings.FRONTLINE_COMPANION_MINUTES), case_id]


def companions_find(case, now=None) -> list[Companion]:
    """The case's companions not yet among its contacts, each with the site and the start of their longest
    overlap. Read-only; one statement."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(companion_sql(), companion_params(case_id=case.pk, person_id=case.person_id, now=now))
        rows = cursor.fetchall()
    def moment(met):
        if isinstance(met, datetime.datetime):
            return met
        return datetime.datetime.fromtimestamp(float(met), tz=datetime.UTC)

    return [Companion(person_id, site_id, float(overlap), moment(met)) for person_id, site_id, overlap, met in rows]
