"""Bench 13: the command centre over a month of activity — the dashboard, the work report, the wall screens.

    FRONTLINE_BENCH_TAG=_command .venv/bin/python bench/command.py [--residents 100000] [--days 30]
                                 [--database sqlite|postgresql] [--keep] [--cycles 5] [--interval 10]

The city is bench/city.py's (generated once at --residents, reused with --keep), with --days of activity from every
app written once by `frontline.demo.history.history_generate` (an outbreak curve: visits, samples, entrance checks,
contacts, zones, orders, requests, issues, sessions, calls, notices, stationing days, allocations).

(a) The dashboard's figures for the city and its first district over the month and over today: every registered
    figure with each child's values, and the period before (`frontline.command.selectors.dashboard_figures`, cached
    per area, period and minute). Printed: the cold time (the first computation, cache cleared), the warm time (a
    later request within the minute, median of 10), and the hand-written SQL of the same figures over the base
    tables (the flow figures of the registry, per child this period and in total the period before, one GROUP BY a
    figure; the stocks of bench/area_pages.py per child now and, those with a history, in total as of the previous
    period's end), median of 5, on the driver's own connection. Both give the same numbers (asserted). Ratio =
    hand-written / Frontline: the goal is ≥ 2 (Frontline at most half the time of the SQL). Also printed, like for
    like: `figure_table` over the same figures only, uncached, against the same SQL. Once the dashboard page is
    merged (URL name `command_dashboard`), the same is timed over HTTP from `frontline serve` (warm: the 2nd-11th
    GETs within the minute).
(b) The whole city's work report: `report_build` + `report_render(report, "docx")` (once merged; "not merged yet"
    otherwise), goal under a minute, beside the hand-written SQL of the month's flow figures for the city.
(c) Wall screens: statements the database executes while 1 screen and then 10 screens refresh every --interval
    seconds for --cycles cycles within one clock minute (the cache's unit), each run starting just after a minute
    turns; through `command_wall_data` over HTTP once merged (PostgreSQL: the database's committed transactions,
    `pg_stat_database.xact_commit`, each statement of an autocommit connection being one), through
    `dashboard_figures` in-process until then (statements counted by a connection wrapper). Goal: 10 screens cost
    the database no more than 1.

Load stays on loopback (127.0.0.1), bounded: a fixed number of requests, one client at a time.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTLINE_BENCH_TAG", "_command")

from bench.area_pages import COUNTS_SQL, RAW_FIGURES, free_port, login  # noqa: E402
from bench.city import median_time, open_city  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="days of activity generated (once) and the dashboard's period")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    parser.add_argument("--cycles", type=int, default=5, help="wall-screen refresh cycles (within one minute)")
    parser.add_argument("--interval", type=float, default=10, help="seconds between a wall screen's refreshes")
    return parser.parse_args()


# --- the hand-written side ----------------------------------------------------------------------------------

AREA = "JOIN areas_area a ON a.id = t.{col}"
SITE = "JOIN areas_site s ON s.id = t.site_id JOIN areas_area a ON a.id = s.area_id"
HOUSEHOLD = ("JOIN areas_household h ON h.id = t.household_id JOIN areas_building b ON b.id = h.building_id "
             "JOIN areas_area a ON a.id = b.area_id")
# code: (FROM ... JOIN ... (the alias `a` is the row's area), the event time column, extra condition, measure,
#        the day column filtered as well (a table partitioned by day), a date-only event column)
FLOWS = {
    "stationing_days_confirmed": ("mobilization_stationingday t " + AREA.format(col="community_id"), "t.decided_at",
                                  "t.status = 'confirmed'", "count(*)", None),
    "households_visited": ("grid_householdvisit t " + HOUSEHOLD, "t.visited_at", "t.outcome = 'visited'", "count(*)",
                           None),
    "residents_screened": ("grid_residentscreening r JOIN grid_householdvisit t ON t.id = r.visit_id " + HOUSEHOLD,
                           "t.visited_at", "t.outcome = 'visited'", "count(*)", None),
    "messages_delivered": ("notices_noticedelivery t " + AREA.format(col="grid_id"), "t.delivered_at", "", "count(*)",
                           None),
    "notices_acknowledged": ("notices_noticereceipt t " + AREA.format(col="area_id"), "t.acknowledged_at", "",
                             "count(*)", None),
    "funds_allocated": ("mobilization_fundallocation t " + AREA.format(col="area_id"), "t.paid_at", "t.status = 'paid'",
                        "count(*)", None),
    "samples_collected": ("epidemic_sample t " + AREA.format(col="grid_id"), "t.collected_at", "", "count(*)", None),
    "checkpoint_scans": ("epidemic_checkpointscan t " + SITE, "t.scanned_at", "", "count(*)", "t.day"),
    "checkpoint_stops": ("epidemic_checkpointscan t " + SITE, "t.scanned_at", "NOT t.passed", "count(*)", "t.day"),
    "contacts_close": ("epidemic_contact t " + AREA.format(col="area_id"), "t.found_at", "t.kind = 'close'", "count(*)",
                       None),
    "contacts_secondary": ("epidemic_contact t " + AREA.format(col="area_id"), "t.found_at", "t.kind = 'secondary'",
                           "count(*)", None),
    "contacts_companion": ("epidemic_contact t " + AREA.format(col="area_id"), "t.found_at", "t.kind = 'companion'",
                           "count(*)", None),
    "orders_placed": ("care_supplyorder t " + AREA.format(col="area_id"), "t.placed_at", "", "count(*)", "t.day"),
    "orders_delivered": ("care_supplyorder t " + AREA.format(col="area_id"), "t.delivered_at",
                         "t.status = 'delivered'", "count(*)", None),
    "requests_received": ("care_residentrequest t " + AREA.format(col="area_id"), "t.received_at", "", "count(*)",
                          "t.day"),
    "suggestions_received": ("care_residentrequest t " + AREA.format(col="area_id"), "t.received_at",
                             "t.kind = 'suggestion'", "count(*)", "t.day"),
    "requests_resolved": ("care_residentrequest t " + AREA.format(col="area_id"), "t.resolved_at",
                          "t.status IN ('resolved', 'closed')", "count(*)", None),
    "kits_issued": ("care_stockmove t JOIN care_supplyitem i ON i.id = t.item_id " + SITE, "t.at",
                    "t.kind = 'issue' AND i.category = 'kit'", "sum(-t.quantity)", None),
    "supplies_issued_recipients": ("care_stockmove t " + SITE, "t.at", "t.kind = 'issue'", "sum(t.recipients)", None),
    "counseling_sessions": ("care_counselingsession t " + SITE, "DATE t.held_on", "", "count(*)", None),
    "counseling_attendees": ("care_counselingsession t " + SITE, "DATE t.held_on", "", "sum(t.attendees)", None),
    "secretary_hotline_calls": ("care_hotlinecall t " + AREA.format(col="area_id"), "t.at", "", "count(*)", None),
}
# Distinct places (a building, or an area) under a zone at some moment of the period, each in the area of its zone.
ZONES_SQL = ("SELECT substr(a.path, 1, {len}) AS k, "
             "count(DISTINCT CASE WHEN {cur} THEN coalesce(2 * t.building_id, 2 * t.area_id + 1) END), "
             "count(DISTINCT CASE WHEN {prev} THEN coalesce(2 * t.building_id, 2 * t.area_id + 1) END) "
             "FROM epidemic_controlzone t JOIN areas_area a ON a.id = t.area_id "
             "WHERE a.path LIKE %s AND t.starts_at < %s AND (t.ends_at IS NULL OR t.ends_at > %s) GROUP BY k")
# The stocks of bench/area_pages.py as of a past date (those the registry keeps a history of).
STOCKS_AT = {
    "residents": (RAW_FIGURES["residents"][0],
                  "AND t.moved_in <= %s AND (t.moved_out IS NULL OR t.moved_out > %s)"),
    "party_members": (RAW_FIGURES["party_members"][0],
                      "AND (t.joined_on IS NULL OR t.joined_on <= %s) AND (t.left_on IS NULL OR t.left_on > %s)"),
    "contacted_households": ("grid_contacthousehold t JOIN areas_household x ON x.id = t.household_id "
                             "JOIN areas_building b ON b.id = x.building_id JOIN areas_area a ON a.id = b.area_id",
                             "AND t.started_on <= %s AND (t.ended_on IS NULL OR t.ended_on > %s)"),
    "special_need_residents": (RAW_FIGURES["special_need_residents"][0],
                               "AND t.moved_in <= %s AND (t.moved_out IS NULL OR t.moved_out > %s) AND EXISTS ("
                               "SELECT 1 FROM grid_specialneed n WHERE n.person_id = t.person_id AND n.recorded_on <= %s "
                               "AND (n.resolved_on IS NULL OR n.resolved_on > %s))"),
}


class HandWritten:
    """The dashboard's figures in plain SQL on the driver's own connection (sqlite3 or psycopg)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor

    def cursor(self):
        self.connection.ensure_connection()
        return self.connection.connection.cursor()

    def run(self, cursor, sql: str, params: list) -> list:
        if self.vendor != "postgresql":
            sql = sql.replace("%s", "?")
        cursor.execute(sql, [self.param(p) for p in params])
        return cursor.fetchall()

    def param(self, value):
        if isinstance(value, datetime.datetime) and self.vendor != "postgresql":
            return str(value.astimezone(datetime.UTC).replace(tzinfo=None))  # Django's text on SQLite
        return value

    def flows(self, area, period, previous, codes=None) -> tuple[dict, dict]:
        """Each flow figure per child over `period` and in total over `previous`: one statement a figure."""
        from frontline.areas.models import Area

        length = (area.depth + 1) * Area.steplen
        (s, e), (ps, pe) = period.bounds(), previous.bounds()
        cursor = self.cursor()
        current, before = {}, {}
        for code, (source, when, extra, measure, day) in FLOWS.items():
            if codes is not None and code not in codes:
                continue
            if when.startswith("DATE "):  # a date column: the period's local dates
                col = when[5:]
                cur, prev = f"{col} >= %s AND {col} <= %s", f"{col} >= %s AND {col} <= %s"
                cur_p, prev_p = [period.start, period.end], [previous.start, previous.end]
                lo_p = [previous.start, period.end]
                span = f"{col} >= %s AND {col} <= %s"
            else:
                cur, prev = f"{when} >= %s AND {when} < %s", f"{when} >= %s AND {when} < %s"
                cur_p, prev_p = [s, e], [ps, pe]
                span, lo_p = f"{when} >= %s AND {when} < %s", [ps, e]
                if day:
                    cur += f" AND {day} >= %s AND {day} <= %s"
                    prev += f" AND {day} >= %s AND {day} <= %s"
                    cur_p, prev_p = cur_p + [period.start, period.end], prev_p + [previous.start, previous.end]
                    span += f" AND {day} >= %s AND {day} <= %s"
                    lo_p = lo_p + [previous.start, period.end]
            value = measure.replace("count(*)", "1").replace("sum(", "(")
            sql = (f"SELECT substr(a.path, 1, {length}) AS k, "
                   f"sum(CASE WHEN {cur} THEN {value} ELSE 0 END), sum(CASE WHEN {prev} THEN {value} ELSE 0 END) "
                   f"FROM {source} WHERE a.path LIKE %s AND {span} {'AND ' + extra if extra else ''} GROUP BY k")
            rows = self.run(cursor, sql, [*cur_p, *prev_p, area.path + "%", *lo_p])
            current[code] = {k: int(n or 0) for k, n, _p in rows if n and len(k) == length}  # rows of the area
            # itself (a commander's receipts at the city) count in its total, under no child
            before[code] = sum(int(p or 0) for _k, _n, p in rows)
        if codes is None or "compounds_assisted" in codes:
            sql = ZONES_SQL.format(len=length, cur="(t.starts_at < %s AND (t.ends_at IS NULL OR t.ends_at > %s))",
                                   prev="(t.starts_at < %s AND (t.ends_at IS NULL OR t.ends_at > %s))")
            rows = self.run(cursor, sql, [e, s, pe, ps, area.path + "%", e, ps])
            current["compounds_assisted"] = {k: n for k, n, _p in rows if n and len(k) == length}
            before["compounds_assisted"] = sum(p for _k, _n, p in rows)
        return current, before

    def stocks(self, area, at_before: datetime.date, before_codes) -> tuple[dict, dict]:
        """The stocks of bench/area_pages.py per child now, and as of `at_before` in total (those with a history
        among `before_codes`: the dashboard's key figures, whose change it shows)."""
        from frontline.areas.models import Area

        length = (area.depth + 1) * Area.steplen
        cursor = self.cursor()
        current, before = {}, {}
        for code, (source, extra) in RAW_FIGURES.items():
            rows = self.run(cursor, COUNTS_SQL.format(len=length, source=source, extra=extra), [area.path + "%"])
            current[code] = {k: n for k, n in rows if n and len(k) == length}
        for code, (source, extra) in STOCKS_AT.items():
            if code not in before_codes:
                continue
            sql = COUNTS_SQL.format(len=length, source=source, extra=extra)
            rows = self.run(cursor, sql, [area.path + "%"] + [at_before] * extra.count("%s"))
            before[code] = sum(n for _k, n in rows)
        return current, before

    def dashboard(self, area, period, previous) -> dict:
        from frontline.command.selectors import key_codes

        flows, flows_before = self.flows(area, period, previous)
        stocks, stocks_before = self.stocks(area, previous.end, key_codes())
        return {"children": {**flows, **stocks}, "previous": {**flows_before, **stocks_before}}


def frontline_view(found: dict, codes) -> dict:
    """dashboard_figures' answer in the hand-written side's shape, for the figures both count."""
    children = {code: {} for code in codes}
    for child in found["children"]:
        for code in codes:
            n = child["values"].get(code, 0)
            if n:
                children[code][child["path"]] = n
    return children


# --- the bench ------------------------------------------------------------------------------------------------

def ensure_history(days: int) -> None:
    from frontline.grid.models import HouseholdVisit

    if HouseholdVisit.objects.exists():
        return
    from frontline.demo.history import history_generate

    start = time.perf_counter()
    stats = history_generate(days=days, seed=2022)
    total = sum(stats.rows.values())
    biggest = ", ".join(f"{label.split('.')[1]} {n:,}" for label, n in sorted(stats.rows.items(), key=lambda x: -x[1]))
    print(f"generated {days} days of activity in {time.perf_counter() - start:.0f} s: {total:,} rows ({biggest})")


def reverse_or_none(name: str, pk: int):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def wait_for_minute_start() -> None:
    """Sleep until a second past the next minute, so that a run of cycles stays within one cache minute."""
    now = time.time()
    time.sleep(61 - now % 60)


def main():
    args = arguments()
    env = {**os.environ, **open_city(args), "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("REDIS_URL", None)
    ensure_history(args.days)
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # the embedded cache (no Redis) lives in the database

    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from frontline.areas.figures import FLOW, Period, figure_list, figure_table
    from frontline.areas.models import Area
    from frontline.command.selectors import _previous, dashboard_figures, key_codes
    from frontline.core.models import User
    from frontline.demo.accounts import DEMO_PASSWORD

    commander = User.objects.get(username="commander")
    city = Area.objects.get_first_root_node()
    district = Area.objects.filter(level="district").order_by("path").first()
    today = timezone.localdate()
    month = Period(today - datetime.timedelta(days=args.days - 1), today)
    hand = HandWritten()
    flow_codes = [f.code for f in figure_list(FLOW)]
    missing = sorted(set(flow_codes) - set(FLOWS) - {"compounds_assisted"})
    if missing:
        print(f"flow figures without hand-written SQL here (left out of the comparison): {missing}")
    codes = [c for c in flow_codes if c not in missing] + list(RAW_FIGURES)
    print(f"database: {args.database}  residents: {args.residents:,}  days: {args.days}  figures registered: "
          f"{len(figure_list())} ({len(flow_codes)} flows); compared in SQL: {len(codes)}")

    # (a) the dashboard
    print(f"\n(a) dashboard figures{'':<14}{'cold':>10}{'warm':>10}{'hand SQL':>10}{'SQL/cold':>9}{'SQL/warm':>9}"
          f"{'like-for-like':>15}")
    for label, area in [("city", city), ("district", district)]:
        for period_label, period in [("month", month), ("today", Period(today, today))]:
            previous = _previous(period)
            cache.clear()
            start = time.perf_counter()
            found = dashboard_figures(actor=commander, area=area, period=period)
            cold = time.perf_counter() - start
            warm, found2 = median_time(lambda area=area, period=period: dashboard_figures(
                actor=commander, area=area, period=period), 10)
            raw_s, raw = median_time(lambda area=area, period=period, previous=previous: hand.dashboard(
                area, period, previous), 5)
            for child in found["children"]:
                child["path"] = Area.objects.only("path").get(pk=child["id"]).path if child["id"] else None
            shown = frontline_view(found, codes)
            for code in codes:
                assert shown[code] == raw["children"].get(code, {}), (label, period_label, code, shown[code],
                                                                      raw["children"].get(code))
                if code in raw["previous"] and code in key_codes():  # the change is shown for the key figures
                    assert found["previous"].get(code, 0) == raw["previous"][code], (
                        label, period_label, code, found["previous"].get(code), raw["previous"][code])

            def like_for_like(area=area, period=period, previous=previous):
                figure_table(actor=commander, area=area, codes=codes, at=period.end, period=period)
                figure_table(actor=commander, area=area, codes=[c for c in codes if c in key_codes()],
                             at=previous.end, period=previous)

            lfl, _ = median_time(like_for_like, 5)
            print(f"  {label + ' / ' + period_label:<33}{cold * 1000:>8.0f}ms{warm * 1000:>8.2f}ms"
                  f"{raw_s * 1000:>8.0f}ms{raw_s / cold:>9.2f}{raw_s / warm:>9.0f}"
                  f"{lfl * 1000:>8.0f}ms {raw_s / lfl:>5.2f}")
    print("  (SQL/x = hand-written time / Frontline time, goal ≥ 2; like-for-like: figure_table over the compared "
          "figures only, uncached, and its ratio)")
    slowest(commander, city, month)

    # (b) and (c) and the pages over HTTP
    connection.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "frontline.cli", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--threads", "1"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = login(base, "commander", DEMO_PASSWORD)
        pages(base, opener, city, district, hand, month)
        report(commander, city, month, hand)
        wall(args, base, opener, commander, city)
    finally:
        server.terminate()
        server.wait(timeout=30)


def slowest(commander, area, period) -> None:
    """Which figures cost the dashboard most (each alone, uncached, this period and the one before)."""
    from frontline.areas.figures import figure_list, figure_table
    from frontline.command.selectors import _previous

    previous = _previous(period)
    costs = []
    for figure in figure_list():
        start = time.perf_counter()
        figure_table(actor=commander, area=area, codes=[figure.code], at=period.end, period=period)
        figure_table(actor=commander, area=area, codes=[figure.code], at=previous.end, period=previous)
        costs.append((time.perf_counter() - start, figure))
    total = sum(c for c, _f in costs)
    top = sorted(costs, key=lambda x: -x[0])[:8]
    print(f"  costliest figures of the city's month (each alone, both periods; all together {total * 1000:.0f} ms):")
    for cost, figure in top:
        kind = figure.kind + ("" if figure.kind == "flow" or figure.kept else ", counted at every read")
        print(f"    {figure.code:<28}{cost * 1000:>8.0f} ms  ({kind})")


def pages(base, opener, city, district, hand, month) -> None:
    """The dashboard page over HTTP, once merged: cold (first GET of the minute), then warm (median of 10)."""
    from frontline.command.selectors import _previous

    for label, area in [("city", city), ("district", district)]:
        url = reverse_or_none("command_dashboard", area.pk)
        if url is None:
            print(f"  dashboard page ({label}) over HTTP: not merged yet (no URL named command_dashboard)")
            continue
        wait_for_minute_start()
        start = time.perf_counter()
        status = opener.open(base + url, timeout=300).status
        cold = time.perf_counter() - start
        warm, _ = median_time(lambda url=url: opener.open(base + url, timeout=300).read(), 10)
        raw_s, _ = median_time(lambda area=area: hand.dashboard(area, month, _previous(month)), 5)
        print(f"  dashboard page ({label}, {status}) over HTTP: cold {cold * 1000:.0f} ms, warm {warm * 1000:.1f} ms; "
              f"hand SQL {raw_s * 1000:.0f} ms; ratio warm {raw_s / warm:.1f}, cold {raw_s / cold:.2f}")


def report(commander, city, month, hand) -> None:
    print("\n(b) the city's work report over the month")
    from frontline.command.selectors import _previous

    raw_s, _ = median_time(lambda: hand.flows(city, month, _previous(month)), 3)
    try:
        from frontline.command.report import report_build
        from frontline.command.report_render import report_render
    except ImportError:
        print(f"  report_build + report_render(docx): not merged yet; hand-written SQL of its flow figures "
              f"{raw_s * 1000:.0f} ms")
        return
    start = time.perf_counter()
    built = report_build(actor=commander, area=city, period=month)
    took_build = time.perf_counter() - start
    document = report_render(built, "docx")
    took = time.perf_counter() - start
    size = len(document) if isinstance(document, (bytes, str)) else len(getattr(document, "content", b"") or b"")
    print(f"  report_build {took_build:.1f} s + report_render(docx) {took - took_build:.1f} s = {took:.1f} s "
          f"(goal < 60 s; {size:,} bytes); hand-written SQL of its flow figures {raw_s * 1000:.0f} ms")


class StatementCounter:
    """Counts the statements this process sends the database (a connection wrapper)."""

    def __init__(self):
        self.n = self.cache = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        self.cache += "frontline_cache" in sql
        return execute(sql, params, many, context)


def wall(args, base, opener, commander, city) -> None:
    print(f"\n(c) wall screens of the city, refreshing every {args.interval:g} s, {args.cycles} cycles within a minute")
    from django.db import connection

    url = reverse_or_none("command_wall_data", city.pk)
    if url is not None and connection.vendor != "postgresql":
        url = None  # the server's statements are counted on PostgreSQL only: in-process on SQLite
    overhead = (0, 0)
    if url is not None:  # what reading the counter itself adds (its own transactions), over an idle wait
        time.sleep(11)  # first let the server's backends flush what the earlier parts did (within 10 s when idle)
        first = committed_transactions()
        time.sleep(11)
        last = committed_transactions()
        overhead = (last[0] - first[0], last[1] - first[1])
    counts = {}
    for screens in (1, 10):
        if url is not None:
            def one_cycle(screens=screens):
                for _ in range(screens):
                    opener.open(base + url, timeout=300).read()
            counted = committed_transactions
        else:
            from django.utils import timezone

            from frontline.areas.figures import Period
            from frontline.command.selectors import dashboard_figures

            def one_cycle(screens=screens):
                today = timezone.localdate()
                for _ in range(screens):
                    dashboard_figures(actor=commander, area=city, period=Period(today, today))
            counted = None
        wait_for_minute_start()
        counter = StatementCounter()
        before = counted() if counted else (0, 0)
        times = []
        with connection.execute_wrapper(counter):
            for cycle in range(args.cycles):
                start = time.perf_counter()
                one_cycle()
                times.append(time.perf_counter() - start)
                if cycle < args.cycles - 1:
                    time.sleep(max(0.0, args.interval - times[-1]))
        if counted:
            time.sleep(11)  # an idle backend's statistics reach pg_stat_database within 10 s
            after = counted()
            n, rows = after[0] - before[0] - overhead[0], after[1] - before[1] - overhead[1]
            detail = f"{n:,} transactions, {rows:,} rows read (HTTP command_wall_data; pg_stat_database)"
        else:
            n, rows = counter.n - counter.cache, counter.n
            detail = (f"{counter.n - counter.cache:,} statements computing figures + {counter.cache:,} cache reads "
                      f"and writes (dashboard_figures in-process, period today)")
        counts[screens] = (n, rows)
        print(f"  {screens:>2} screen(s) x {args.cycles} cycles: {detail}; "
              f"slowest cycle {max(times) * 1000:.0f} ms, fastest {min(times) * 1000:.1f} ms")
    what = "rows read" if url else "statements computing figures"
    print(f"  10 screens / 1 screen: {counts[10][0] / max(counts[1][0], 1):.2f} ({'transactions' if url else what}), "
          f"{counts[10][1] / max(counts[1][1], 1):.2f} ({'rows read' if url else 'all statements'}) (goal ≤ 1)")


def committed_transactions() -> tuple[int, int]:
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT xact_commit, tup_returned FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()


if __name__ == "__main__":
    main()
