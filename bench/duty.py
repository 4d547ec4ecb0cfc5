"""Benchmark: the duty-gap list (全天候在岗) through Frontline against hand-written SQL on the driver.

    FRONTLINE_BENCH_TAG=_duty .venv/bin/python bench/duty.py --residents 100000 [--database sqlite|postgresql] [--keep]

Uses the shared benchmark city (bench/city.py), then, once, puts 1% of its residents on duty (10,000 at
1,000,000 residents): each holds one eight-hour shift a day (00–08, 08–16 or 16–24) at a site or a grid, three
people to a place, one rest day a week, over the last 30 days and today, with check-ins (nine in ten shifts
attended, the ones under way partly not yet). Then it times, for the city (commander) and a district, the
gap list of today: every site and grid with the holes in its 24-hour roster and the shifts under way with
nobody checked in, through the service (`duty_roster`: the ORM, the one scoping function) and through the
page for the district, against plain SQL through the driver giving the same answer (window functions over
the shifts of the day). Median of 5 runs; ratio = raw time / Frontline time.
"""

import datetime
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.city import arguments, median_time, open_city, raw_sql  # noqa: E402

HOLES_SQL = """
WITH keyed AS (
  SELECT CASE WHEN d.site_id IS NULL THEN 'grid' ELSE 'site' END AS k, COALESCE(d.site_id, d.grid_id) AS pid,
         {greatest}(d.starts_at, %(s)s) AS st, {least}(d.ends_at, %(e)s) AS en
  FROM mobilization_dutyshift d JOIN areas_area a ON a.id = d.area_id
  WHERE a.path LIKE %(prefix)s AND d.starts_at < %(e)s AND d.ends_at > %(s)s AND d.starts_at >= %(s0)s
), ordered AS (
  SELECT k, pid, st, en, MAX(en) OVER (PARTITION BY k, pid ORDER BY st, en
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
  FROM keyed
), places AS (
  SELECT 'grid' AS k, a.id AS pid FROM areas_area a WHERE a.level = 'grid' AND a.path LIKE %(prefix)s
  UNION ALL
  SELECT 'site', s.id FROM areas_site s JOIN areas_area a ON a.id = s.area_id
  WHERE a.path LIKE %(prefix)s AND (s.opened_on IS NULL OR s.opened_on <= %(day)s)
    AND (s.closed_on IS NULL OR s.closed_on >= %(day)s)
)
SELECT k, pid, COALESCE(reached, %(s)s), st FROM ordered WHERE st > COALESCE(reached, %(s)s)
UNION ALL
SELECT k, pid, MAX(en), %(e)s FROM keyed GROUP BY k, pid HAVING MAX(en) < %(e)s
UNION ALL
SELECT p.k, p.pid, %(s)s, %(e)s FROM places p WHERE NOT EXISTS (SELECT 1 FROM keyed i WHERE i.k = p.k AND i.pid = p.pid)
"""
NOBODY_SQL = """
SELECT d.id FROM mobilization_dutyshift d JOIN areas_area a ON a.id = d.area_id
WHERE a.path LIKE %(prefix)s AND d.starts_at <= %(now)s AND d.ends_at > %(now)s AND d.starts_at >= %(s0)s
  AND d.starts_at < %(e)s AND d.ends_at > %(s)s
  AND NOT EXISTS (SELECT 1 FROM mobilization_checkin c WHERE c.shift_id = d.id AND c.checked_out_at IS NULL)
"""


def make_duty(residents: int, days: int = 30) -> None:
    """1% of residents on duty over the last `days` days and today, with check-ins (bulk, once)."""
    import time

    from django.db import transaction
    from django.utils import timezone

    from frontline.areas.models import Area, Site
    from frontline.mobilization.duty import CheckIn, DutyShift
    from frontline.people.models import Resident

    if DutyShift.objects.exists():
        return
    start_clock = time.perf_counter()
    rng = random.Random(2022)
    people = list(Resident.objects.filter(moved_out__isnull=True).order_by("id")
                  .values_list("person_id", flat=True)[:max(3, residents // 100)])
    grids = list(Area.objects.filter(level="grid").order_by("path").values_list("id", flat=True))
    sites = list(Site.objects.order_by("id").values_list("id", "area_id"))
    places = [("site", pk, area) for pk, area in sites] + [("grid", pk, pk) for pk in grids]
    rng.shuffle(places)
    places = places[:len(people) // 3]  # three people to a place; the other places have nobody (a whole-day hole)
    now = timezone.now()
    today = timezone.localdate()
    shifts = []
    for j, person in enumerate(people):
        kind, pk, area = places[(j // 3) % len(places)]
        slot = j % 3
        for back in range(days, -1, -1):
            day = today - datetime.timedelta(days=back)
            if (day.toordinal() + j) % 7 == 0:
                continue  # a rest day: a hole in that place's roster
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8 * slot)))
            shifts.append(DutyShift(site_id=pk if kind == "site" else None, grid_id=pk if kind == "grid" else None,
                                    area_id=area, person_id=person, starts_at=starts,
                                    ends_at=starts + datetime.timedelta(hours=8)))
    with transaction.atomic():
        DutyShift.objects.bulk_create(shifts, batch_size=5000)
        check_ins = []
        for s in DutyShift.objects.filter(starts_at__lte=now).only("id", "starts_at", "ends_at").iterator(chunk_size=10000):
            if rng.random() > 0.9:
                continue
            checked_in = min(s.starts_at + datetime.timedelta(minutes=rng.randint(-10, 10)), now)
            out = s.ends_at + datetime.timedelta(minutes=rng.randint(-5, 10))
            check_ins.append(CheckIn(shift_id=s.pk, checked_in_at=checked_in, checked_out_at=out if out <= now else None))
        CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    print(f"put {len(people):,} people on duty: {len(shifts):,} shifts, {len(check_ins):,} check-ins "
          f"in {time.perf_counter() - start_clock:.0f} s")


def main():
    args = arguments(__doc__)
    open_city(args)

    from frontline.areas.models import Area
    from frontline.core.models import User

    make_duty(args.residents)
    raw = raw_sql
    commander = User.objects.select_related("area").get(username="commander")
    district = Area.objects.filter(level="district").order_by("path").first()
    print(f"database: {args.database}  residents: {args.residents:,}")
    print(f"{'gap list today':<34}{'frontline':>12}{'raw SQL':>12}{'ratio':>8}{'places':>9}{'holes':>8}{'nobody':>8}")
    for label, area in (("city, commander", commander.area), ("district, commander", district)):
        measure(label, commander, area, raw)
    measure_page(commander, district)


def _utc(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


def measure(label, user, area, raw) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from frontline.mobilization.duty_services import MAX_SHIFT, day_bounds, duty_roster

    now = timezone.now()
    day = timezone.localtime(now).date()
    s, e = day_bounds(day)

    def frontline():
        roster = duty_roster(actor=user, area=area, day=day, now=now, gaps_only=True)
        flagged = roster.flagged  # the gap list
        return roster, flagged

    def as_param(moment):
        if connection.vendor == "postgresql":
            return moment
        return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")

    params = {"s": as_param(s), "e": as_param(e), "s0": as_param(s - MAX_SHIFT), "now": as_param(now),
              "prefix": area.path + "%", "day": day.isoformat()}
    greatest, least = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    holes_sql = HOLES_SQL.format(greatest=greatest, least=least)

    def by_hand():
        holes = raw(holes_sql, params)
        nobody = raw(NOBODY_SQL, params)
        return holes, nobody

    f_s, (roster, flagged) = median_time(frontline)
    r_s, (holes, nobody) = median_time(by_hand)
    mine = {(p.kind, p.pk, _utc(a), _utc(b)) for p in roster.places for a, b in p.holes}
    theirs = {(k, pid, _utc(a), _utc(b)) for k, pid, a, b in holes}
    assert mine == theirs, (len(mine), len(theirs), sorted(mine ^ theirs)[:5])
    assert {r.pk for p in roster.places for r in p.nobody_there} == {row[0] for row in nobody}
    with CaptureQueriesContext(connection) as queries:
        frontline()
    print(f"{label:<34}{f_s * 1000:>10.1f}ms{r_s * 1000:>10.1f}ms{r_s / f_s:>8.2f}{len(roster.places):>9,}"
          f"{len(theirs):>8,}{len(nobody):>8,}   ({len(queries)} queries, {len(flagged):,} places flagged)")


def measure_page(user, area) -> None:
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    url = f"/areas/{area.pk}/duty/"
    assert client.get(url).status_code == 200
    p_s, _ = median_time(lambda: client.get(url))
    print(f"{'the district page, over the test client':<34}{p_s * 1000:>10.1f}ms")


if __name__ == "__main__":
    main()
