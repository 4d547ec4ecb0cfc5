"""Benchmark: the untested residents of a testing round through Frontline against a hand-written anti-join.

    FRONTLINE_BENCH_TAG=_coverage .venv/bin/python bench/untested.py --residents 1000000 [--database sqlite|postgresql] [--keep]

Uses the shared benchmark city (bench/city.py), then, once, creates a round over the whole city and samples
about 80% of its residents (a fixed pseudo-random choice by person id), tubes of ten, inserted set-based
(INSERT ... SELECT), with a few exemptions (away, door to door). Then it times, in the same run:
1. the untested counts for every grid of the city (`coverage.untested_by_grid`: the ORM, one grouped query)
   against plain SQL on the driver (NOT EXISTS anti-joins, grouped by grid);
2. one grid's untested list as its page reads it (`coverage.grid_untested`, scoped to the commander: masked
   names come from these rows) against plain SQL giving the same rows in the same order;
3. for information, the round's tested of target by grid (`coverage_by_grid`, what the coverage pages roll up)
   and the two figures of the round in force for the city (`figure_table`, what the city's area page pays).
Median of 5 runs (31 for the list); ratio = raw time / Frontline time (at least 0.67 means within 1.5 times the raw SQL).
"""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.city import arguments, median_time, open_city, raw_sql  # noqa: E402

ROUND_NAME = "基准全员核酸"
SAMPLED = "(r.person_id * 7919) %% 10 < 8"  # about 80% of the people, spread over every grid (%% for the driver)

UNTESTED_SQL = """
SELECT b.area_id, count(*) FROM people_resident r
JOIN areas_household h ON h.id = r.household_id JOIN areas_building b ON b.id = h.building_id
JOIN areas_area a ON a.id = b.area_id
WHERE r.moved_out IS NULL AND a.path LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM epidemic_roundexemption e WHERE e.round_id = %(round)s AND e.person_id = r.person_id
                  AND e.kind IN ('away', 'other'))
  AND NOT EXISTS (SELECT 1 FROM epidemic_sample s WHERE s.round_id = %(round)s AND s.person_id = r.person_id)
GROUP BY b.area_id
"""
LIST_SQL = """
SELECT r.id, p.name, b.name, h.unit, h.room,
  EXISTS (SELECT 1 FROM epidemic_roundexemption d WHERE d.round_id = %(round)s AND d.person_id = r.person_id
          AND d.kind = 'door_to_door'),
  EXISTS (SELECT 1 FROM epidemic_doorknock k JOIN core_workorder w ON w.id = k.work_order_id
          WHERE k.round_id = %(round)s AND k.person_id = r.person_id AND w.status IN ('open', 'accepted'))
FROM people_resident r JOIN people_person p ON p.id = r.person_id
JOIN areas_household h ON h.id = r.household_id JOIN areas_building b ON b.id = h.building_id
WHERE b.area_id = %(grid)s AND r.moved_out IS NULL
  AND NOT EXISTS (SELECT 1 FROM epidemic_roundexemption e WHERE e.round_id = %(round)s AND e.person_id = r.person_id
                  AND e.kind IN ('away', 'other'))
  AND NOT EXISTS (SELECT 1 FROM epidemic_sample s WHERE s.round_id = %(round)s AND s.person_id = r.person_id)
ORDER BY b.name, h.unit, h.room, p.pinyin_full, r.id
"""
TARGET_SQL = """
SELECT b.area_id, count(*) FROM people_resident r
JOIN areas_household h ON h.id = r.household_id JOIN areas_building b ON b.id = h.building_id
JOIN areas_area a ON a.id = b.area_id
WHERE r.moved_out IS NULL AND a.path LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM epidemic_roundexemption e WHERE e.round_id = %(round)s AND e.person_id = r.person_id
                  AND e.kind IN ('away', 'other'))
GROUP BY b.area_id
"""


def make_round():
    """The round over the city, under way, with ~80% of the residents sampled (set-based, once)."""
    import time

    from django.db import connection, transaction
    from django.utils import timezone

    from frontline.areas.models import Area, Site
    from frontline.epidemic.models import RoundArea, RoundExemption, Sample, TestingRound

    city = Area.objects.get_first_root_node()
    now = timezone.now()
    existing = TestingRound.objects.filter(name=ROUND_NAME).first()
    if existing is not None:
        TestingRound.objects.filter(pk=existing.pk).update(starts_at=now - datetime.timedelta(hours=6),
                                                           ends_at=now + datetime.timedelta(days=1))
        return existing
    start = time.perf_counter()
    with transaction.atomic():
        testing_round = TestingRound.objects.create(name=ROUND_NAME, area=city, starts_at=now - datetime.timedelta(hours=6),
                                                    ends_at=now + datetime.timedelta(days=1), pool_size=10, status="open")
        RoundArea.objects.create(round=testing_round, area=city)
        site = Site.objects.filter(kind="testing").order_by("id").first() or Site.objects.create(
            kind="testing", name="基准采样点", area=Area.objects.filter(level="community").order_by("path").first())
        at = connection.ops.adapt_datetimefield_value(now - datetime.timedelta(hours=1))
        params = {"round": testing_round.pk, "site": site.pk, "at": at}
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO epidemic_tube (round_id, code, site_id, pool_size, samples_count, opened_at, result,
                                           result_source)
                SELECT %(round)s, 'BT' || CAST(r.person_id / 10 AS TEXT), %(site)s, 10, count(*), %(at)s, '', ''
                FROM people_resident r WHERE r.moved_out IS NULL AND {SAMPLED} GROUP BY r.person_id / 10""", params)
            cursor.execute(f"""
                INSERT INTO epidemic_sample (round_id, tube_id, person_id, kind, client_id, site_id, grid_id,
                                             collected_at, received_at)
                SELECT %(round)s, t.id, r.person_id, 'routine', 'bench-' || CAST(r.person_id AS TEXT), %(site)s,
                       b.area_id, %(at)s, %(at)s
                FROM people_resident r JOIN areas_household h ON h.id = r.household_id
                JOIN areas_building b ON b.id = h.building_id
                JOIN epidemic_tube t ON t.round_id = %(round)s AND t.code = 'BT' || CAST(r.person_id / 10 AS TEXT)
                WHERE r.moved_out IS NULL AND {SAMPLED}""", params)
            # A few exemptions, one in a hundred of the unsampled: away (out of the target) or sampled at home.
            cursor.execute(f"""
                INSERT INTO epidemic_roundexemption (round_id, person_id, grid_id, kind, note, created_at)
                SELECT %(round)s, r.person_id, b.area_id,
                       CASE WHEN r.person_id %% 2 = 0 THEN 'away' ELSE 'door_to_door' END, '', %(at)s
                FROM people_resident r JOIN areas_household h ON h.id = r.household_id
                JOIN areas_building b ON b.id = h.building_id
                WHERE r.moved_out IS NULL AND NOT ({SAMPLED}) AND r.person_id %% 97 = 5""", params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"round made: {Sample.objects.filter(round=testing_round).count():,} samples, "
          f"{RoundExemption.objects.filter(round=testing_round).count():,} exemptions "
          f"in {time.perf_counter() - start:.0f} s")
    return testing_round


def main():
    args = arguments(__doc__)
    open_city(args)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontline.areas.figures import figure_table
    from frontline.areas.models import Area
    from frontline.core.models import User
    from frontline.epidemic.coverage import coverage_by_grid, grid_untested, mask_name, untested_by_grid

    testing_round = make_round()
    commander = User.objects.get(username="commander")
    city = Area.objects.get_first_root_node()
    paths = dict(Area.objects.filter(level="grid").values_list("id", "path"))
    params = {"round": testing_round.pk, "prefix": city.path + "%"}
    print(f"database: {args.database}  residents: {args.residents:,}  grids: {len(paths):,}")
    print(f"{'read':<40}{'frontline':>12}{'raw SQL':>12}{'ratio':>8}")

    def line(label, f_s, r_s):
        print(f"{label:<40}{f_s * 1000:>10.1f}ms{r_s * 1000:>10.1f}ms{r_s / f_s:>8.2f}")

    # 1. The untested counts of every grid.
    f_s, counts = median_time(lambda: untested_by_grid(testing_round))
    r_s, raw_rows = median_time(lambda: raw_sql(UNTESTED_SQL, params))
    assert counts == dict(raw_rows), "the two counts differ"
    line(f"untested by grid ({sum(counts.values()):,})", f_s, r_s)

    # 2. One grid's untested list (the grid with the most untested residents).
    grid = Area.objects.get(pk=max(counts, key=counts.get))

    def frontline_list():
        return [(r.resident_id, r.masked_name, r.building, r.unit, r.room, r.door_to_door, r.knocking)
                for r in grid_untested(actor=commander, testing_round=testing_round, grid=grid)]

    list_params = {"round": testing_round.pk, "grid": grid.pk}
    f_s, listed = median_time(frontline_list, 31)  # about a millisecond: more runs to steady the median
    r_s, raw_listed = median_time(lambda: raw_sql(LIST_SQL, list_params), 31)
    assert listed == [(i, mask_name(n), b, u, room, bool(d), bool(k)) for i, n, b, u, room, d, k in raw_listed], \
        "the lists differ"
    line(f"one grid's untested list ({len(listed)})", f_s, r_s)
    with CaptureQueriesContext(connection) as queries:
        frontline_list()
    assert len(queries) == 1, len(queries)

    # 3. For information: tested of target by grid, and the city's figures of the round in force.
    def raw_coverage():
        target = dict(raw_sql(TARGET_SQL, params))
        untested = dict(raw_sql(UNTESTED_SQL, params))
        return {paths[a]: (n, n - untested.get(a, 0)) for a, n in target.items()}

    f_s, by_grid = median_time(lambda: coverage_by_grid(testing_round))
    r_s, raw_by_grid = median_time(raw_coverage)
    assert {p: (c.target, c.tested) for p, c in by_grid.items()} == raw_by_grid
    line("tested of target by grid", f_s, r_s)
    f_s, table = median_time(lambda: figure_table(actor=commander, area=city, codes=["testing_target", "testing_tested"]))
    assert (table.total["testing_target"], table.total["testing_tested"]) == (
        sum(t for t, _d in raw_by_grid.values()), sum(d for _t, d in raw_by_grid.values()))
    line("city figures of the round in force", f_s, r_s)
    tested = table.total["testing_tested"]
    print(f"target {table.total['testing_target']:,}, tested {tested:,} "
          f"({100 * tested / max(1, table.total['testing_target']):.1f}%)")


if __name__ == "__main__":
    main()
