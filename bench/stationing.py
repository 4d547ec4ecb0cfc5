"""Benchmark: the monthly stationing compliance (家园驻守) through the service and its page, against the same
answer in hand-written SQL, in the same run.

    .venv/bin/python bench/stationing.py --residents 100000 [--database postgresql] [--keep]

Uses (or generates) the city of bench/city.py, gives its cadres (about 1.25% of the residents: 12,500 at
1,000,000) a month of stationing days (April 2022: 0–9 days each in the community they live in, four in five
confirmed; bulk_create), then times, warm, as the city's commander: the service (`stationing_compliance`), the
page (`/stationing/compliance/?month=2022-04`, the in-process test client) and the same rows in plain SQL
through the driver, grouped by home unit the same way (median of 5 each). Ratio = raw SQL time / service or
page time, as in the other benches (1.0: no overhead; the target is at least 0.67, i.e. Frontline at most 1.5
times the raw SQL). Also printed: the page's SQL queries (they must not grow with the city).
"""

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.city import arguments, median_time, open_city  # noqa: E402

MONTH = (2022, 4)
RAW_SQL = """
SELECT c.id, c.home_unit, c.unit_area_id, p.name, c.rank, p.phone, COUNT(s.id)
FROM people_cadre c
JOIN people_person p ON p.id = c.person_id
JOIN areas_area ua ON ua.id = c.unit_area_id
LEFT JOIN mobilization_stationingday s ON s.cadre_id = c.id AND s.day >= {p} AND s.day <= {p} AND s.status = 'confirmed'
WHERE c.rank <> 'bureau' AND ua.path LIKE {p}
GROUP BY c.id, c.home_unit, c.unit_area_id, p.name, c.rank, p.phone, p.pinyin_full
ORDER BY c.home_unit, c.unit_area_id, p.pinyin_full, c.id
"""


def give_days(month_start, month_end) -> int:
    """A month of stationing days for every cadre (once; kept with --keep)."""
    from frontline.areas.models import Area
    from frontline.mobilization.stationing import StationingDay
    from frontline.people.models import Cadre

    if StationingDay.objects.filter(day__gte=month_start, day__lte=month_end).exists():
        return 0
    communities = dict(Area.objects.filter(level="community").values_list("path", "id"))
    length = len(next(iter(communities)))
    homes = (Cadre.objects.filter(person__residences__moved_out__isnull=True)
             .values_list("pk", "person__residences__household__building__area__path"))
    rng = random.Random(2022)
    days = (month_end - month_start).days + 1
    rows = []
    import datetime

    for cadre_id, path in homes.iterator(chunk_size=5000):
        community = communities.get((path or "")[:length])
        if community is None:
            continue
        for offset in rng.sample(range(days), rng.randrange(10)):
            confirmed = rng.random() < 0.8
            rows.append(StationingDay(cadre_id=cadre_id, community_id=community, note="入户走访",
                                      day=month_start + datetime.timedelta(days=offset),
                                      status="confirmed" if confirmed else "waiting",
                                      decided_at=time_now() if confirmed else None,
                                      decided_by_id=decider() if confirmed else None))
    StationingDay.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have after a month of writes
        cursor.execute("ANALYZE mobilization_stationingday" if connection.vendor == "postgresql" else "ANALYZE")
    return len(rows)


def time_now():
    from django.utils import timezone

    return timezone.now()


def decider():
    from frontline.core.models import User

    global _decider
    try:
        return _decider
    except NameError:
        _decider = User.objects.get(username="secretary").pk
        return _decider


def main():
    import datetime

    args = arguments(__doc__)
    open_city(args)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontline.areas.models import Area
    from frontline.core.models import User
    from frontline.mobilization.stationing_services import min_days, month_end, stationing_compliance

    month = datetime.date(*MONTH, 1)
    end = month_end(month)
    start = time.perf_counter()
    made = give_days(month, end)
    if made:
        print(f"gave {made:,} stationing days in {time.perf_counter() - start:.1f} s")
    commander = User.objects.get(username="commander")
    city = Area.objects.get_first_root_node()
    placeholder = "%s" if connection.vendor == "postgresql" else "?"
    sql = RAW_SQL.format(p=placeholder)

    def raw():
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        cursor.execute(sql, [month, end, city.path + "%"] if connection.vendor == "postgresql"
                       else [month.isoformat(), end.isoformat(), city.path + "%"])
        units, minimum = {}, min_days()
        for pk, unit, unit_area, name, rank, phone, n in cursor.fetchall():
            entry = units.setdefault((unit, unit_area), [0, []])
            entry[0] += 1
            if n < minimum:
                entry[1].append((pk, name, rank, phone, n))
        return sum(e[0] for e in units.values()), sum(len(e[1]) for e in units.values()), len(units)

    def service():
        report = stationing_compliance(actor=commander, month=month)
        return report.cadres, report.short, len(report.units)

    client = Client()
    client.force_login(commander)
    url = f"/stationing/compliance/?month={month:%Y-%m}"

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    for _ in range(2):
        raw(), service(), page()  # warm
    r_s, counted = median_time(raw, 5)
    s_s, reported = median_time(service, 5)
    p_s, size = median_time(page, 5)
    assert reported == counted, f"the service answers {reported}, the raw SQL {counted}"
    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"database: {args.database}  residents: {args.residents:,}  cadres (county level and below): {counted[0]:,}"
          f"  under {min_days()} days: {counted[1]:,}  units: {counted[2]}")
    print(f"{'compliance, April 2022':<26}{'time':>10}{'raw SQL':>10}{'ratio':>8}")
    print(f"{'service':<26}{s_s * 1000:>8.1f}ms{r_s * 1000:>8.1f}ms{r_s / s_s:>8.2f}")
    print(f"{'page (' + str(len(queries)) + ' queries, ' + str(size // 1024) + ' KB)':<26}"
          f"{p_s * 1000:>8.1f}ms{r_s * 1000:>8.1f}ms{r_s / p_s:>8.2f}")


if __name__ == "__main__":
    main()
