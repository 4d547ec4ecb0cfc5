"""Benchmark: scoped reads through Frontline's selectors against hand-written SQL on the driver.

    .venv/bin/python bench/scoped_reads.py --residents 1000000 [--database sqlite|postgresql] [--keep]

Generates a city of N residents into a fresh database (kept in /tmp/frontline-bench-reads-<db>-<N>
with --keep, and reused when it is there), then times, for a commander (the whole city) and a
community secretary (one community):
- residents and party members under each child area as of a date (yesterday): counted from the rows
  with their history, as a report asks of a past day (today's figures are kept: bench/area_pages.py);
- a person search by pinyin initials.
Each is run through Frontline (`figure_table`, `person_search`: the ORM, the one scoping function)
and as plain SQL through the driver giving the same numbers; the median of 5 runs is printed with
their ratio (raw time / Frontline time; 1.0 means no overhead).
"""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.city import arguments, median_time, open_city, raw_sql  # noqa: E402

COUNTS_SQL = """
SELECT substr(a.path, 1, %(len)s) AS k, count(*) FROM {table} t {joins}
WHERE a.path LIKE %(prefix)s {extra} GROUP BY k
"""
TABLES = {
    "residents": ("people_resident", "JOIN areas_household h ON h.id = t.household_id JOIN areas_building b "
                  "ON b.id = h.building_id JOIN areas_area a ON a.id = b.area_id",
                  "AND t.moved_in <= %(day)s AND (t.moved_out IS NULL OR t.moved_out > %(day)s)"),
    "party_members": ("people_partymember", "JOIN people_partyorg o ON o.id = t.org_id JOIN areas_area a ON a.id = o.area_id",
                      "AND (t.joined_on <= %(day)s OR t.joined_on IS NULL) AND (t.left_on IS NULL OR t.left_on > %(day)s)"),
}
SEARCH_SQL = """
SELECT p.id FROM people_person p
WHERE ({initials} OR {full}) AND (
  EXISTS (SELECT 1 FROM people_resident r JOIN areas_household h ON h.id = r.household_id
          JOIN areas_building b ON b.id = h.building_id JOIN areas_area a ON a.id = b.area_id
          WHERE r.person_id = p.id AND r.moved_out IS NULL AND a.path LIKE %(prefix)s)
  OR EXISTS (SELECT 1 FROM people_partymember m JOIN people_partyorg o ON o.id = m.org_id
             LEFT JOIN areas_area a ON a.id = o.area_id
             WHERE m.person_id = p.id AND m.left_on IS NULL AND a.path LIKE %(prefix)s)
  OR EXISTS (SELECT 1 FROM people_cadre c JOIN areas_area a ON a.id = c.unit_area_id
             WHERE c.person_id = p.id AND a.path LIKE %(prefix)s))
ORDER BY p.pinyin_full, p.id LIMIT 50
"""


def main():
    args = arguments(__doc__)
    open_city(args)

    from frontline.core.models import User

    raw = raw_sql

    print(f"database: {args.database}  residents: {args.residents:,}")
    print(f"{'read':<32}{'frontline':>12}{'raw SQL':>12}{'ratio':>8}")
    for username in ("commander", "secretary"):
        measure(User.objects.select_related("area").get(username=username), raw)


def measure(user, raw) -> None:
    from django.db import connection

    from frontline.areas.figures import figure_table
    from frontline.areas.models import Area
    from frontline.people.selectors import person_search

    area = user.area
    length = (area.depth + 1) * Area.steplen
    prefix = area.path + "%"

    day = datetime.date.today() - datetime.timedelta(days=1)

    def raw_counts():
        result = {}
        for key, (table, joins, extra) in TABLES.items():
            rows = raw(COUNTS_SQL.format(table=table, joins=joins, extra=extra),
                       {"len": length, "prefix": prefix, "day": day.isoformat()})
            result[key] = sum(n for _, n in rows)
        return result

    f_s, table = median_time(lambda: figure_table(actor=user, area=area, codes=list(TABLES), at=day))
    r_s, raw_result = median_time(raw_counts)
    assert table.total == raw_result, (table.total, raw_result)
    print(f"{'counts as of a day, ' + user.username:<32}{f_s * 1000:>10.1f}ms{r_s * 1000:>10.1f}ms{r_s / f_s:>8.2f}")

    # The best plain SQL for a prefix: a range on SQLite (its LIKE cannot use an index), LIKE on PostgreSQL.
    match = "p.{0} LIKE %(q)s" if connection.vendor == "postgresql" else "p.{0} >= %(lo)s AND p.{0} < %(hi)s"
    sql = SEARCH_SQL.format(initials=match.format("pinyin_initials"), full=match.format("pinyin_full"))
    params = {"q": "zw%", "lo": "zw", "hi": "zw\U0010ffff", "prefix": prefix}
    f_s, found = median_time(lambda: [p.pk for p in person_search(actor=user, query="zw")])
    r_s, raw_found = median_time(lambda: [row[0] for row in raw(sql, params)])
    assert found == raw_found, "the two searches found different people"
    print(f"{'person search zw, ' + user.username:<32}{f_s * 1000:>10.1f}ms{r_s * 1000:>10.1f}ms{r_s / f_s:>8.2f}")


if __name__ == "__main__":
    main()
