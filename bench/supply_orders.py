"""Bench 6: a city day of supply orders (生活物资配送) — placing, batch assignment by building, the daily figures —
through the services against the raw database driver doing the same transactions and aggregates in the same run.

    FRONTLINE_BENCH_TAG=_orders .venv/bin/python bench/supply_orders.py [--orders 100000] [--residents 300000]
                                   [--database sqlite|postgresql] [--workers 4] [--keep]

The city is bench/city.py's, generated with --residents (300,000 by default: about 107,000 households, so that
100,000 orders are one a household; with fewer households the orders go round them again). The bench's orders
are deleted at the start of each run (the audit rows stay: the log is append-only).

(a) Placing, one transaction an order, in --workers processes (forked, one database connection each, started
    together): `frontline.care.orders.order_place` by a hotline account of the city (channel hotline, 1-3 lines of
    the demo catalogue, some medicine), against the driver (psycopg / sqlite3, no ORM) doing the same writes in one
    transaction an order: the order row with the same columns, its lines in one INSERT, its audit row. The
    orders are placed in two rounds, service then raw each round, half the orders each time, so neither side
    always meets the bigger table. Orders/s each and the ratio (service / raw; goal ≥ 0.5).
(b) Batch assignment: `orders_assign` by the commander, one call a grid with all its buildings, to a volunteer,
    the grids shared among the same processes; then the orders are put back (status placed, no batch; the
    delivery work orders and batches deleted) and the driver does the same, one transaction a grid: the
    placed, confirmed orders of the grid's buildings selected (locked on PostgreSQL) in the service's order,
    the batch inserted, the orders updated, one `delivery` work order an order with its created event, the
    audit rows of the batch and the work orders. Orders/s each and the ratio (goal ≥ 0.5).
(c) The daily figures `orders_placed` and `orders_delivered` (registered here as flow figures if no app registers
    them; a third of the orders is marked delivered first) for today through `frontline.areas.figures.
    figure_table` for the city and each district, against one GROUP BY a level (both counts in one query).
    Median of 5, ms, and the ratio (service / raw; goal ≤ 1.5). Both sides must give the same numbers.

Bounded: a side of a phase stops taking jobs after --limit seconds (1,800 by default) and the table says so.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTLINE_BENCH_TAG", "_orders")

from bench.city import open_city  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000, help="orders of the day (half through each side)")
    parser.add_argument("--residents", type=int, default=300_000, help="the generated city's residents")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=4, help="concurrent processes placing and assigning")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    parser.add_argument("--limit", type=int, default=1800,
                        help="seconds a side of a phase may run: its workers then stop taking jobs (said in the table)")
    return parser.parse_args()


# --- the raw side: the driver's own connection, plain SQL ----------------------------------------------------

class Raw:
    """Plain SQL on the driver connection under Django's (psycopg or sqlite3), explicit transactions."""

    def __init__(self):
        from django.db import connection

        connection.ensure_connection()
        self.vendor = connection.vendor
        self.db = connection.connection
        self.cursor = self.db.cursor()

    def sql(self, text: str) -> str:
        return text if self.vendor == "postgresql" else text.replace("%s", "?").replace(" FOR UPDATE OF o", "")

    def run(self, text: str, params=()):
        self.cursor.execute(self.sql(text), params)
        return self.cursor

    def begin(self):
        self.cursor.execute("BEGIN" if self.vendor == "postgresql" else "BEGIN IMMEDIATE")

    def commit(self):
        self.cursor.execute("COMMIT")

    def when(self, value: datetime.datetime):
        """A timestamp as Django stores it: native on PostgreSQL, UTC text on SQLite."""
        if self.vendor == "postgresql":
            return value
        return str(value.astimezone(datetime.UTC).replace(tzinfo=None))

    def json(self, value):
        if self.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value)

    def values(self, rows: int, columns: int) -> str:
        row = "(" + ", ".join(["%s"] * columns) + ")"
        return ", ".join([row] * rows)


AUDIT_INSERT = ("INSERT INTO core_auditlog (at, actor_id, actor_name, actor_area_path, action, content_type_id, object_id, "
                "object_repr, person_id, changes, note, ip) VALUES {values}")
AUDIT_COLUMNS = 12


def audit_rows(raw: Raw, now, actor, content_type: int, objects: list[tuple[int, str, dict]]) -> list:
    params = []
    for pk, text, changes in objects:
        params += [raw.when(now), actor.pk, actor.username, "", "create", content_type, str(pk), text[:255], None,
                   raw.json(changes), "", None]
    return params


def raw_place(raw: Raw, spec, actor, items, content_types) -> None:
    from django.utils import timezone

    from frontline.care.models import ItemCategory, new_receipt

    household_id, area_id, phone, lines = spec
    now = timezone.now()
    medicine = any(items[i].category == ItemCategory.MEDICINE for i, _q in lines)
    receipt = new_receipt()
    row = {"receipt": receipt, "area_id": area_id, "household_id": household_id, "channel": "hotline",
           "contact_phone": phone, "note": "", "priority": 1 if medicine else 2,
           "priority_reasons": ["medicine"] if medicine else [], "status": "placed", "verified": True,
           "verified_by_id": actor.pk, "placed_by_id": actor.pk, "placed_at": now, "day": timezone.localdate(now),
           "batch_id": None, "delivered_at": None, "failed_reason": ""}
    raw.begin()
    (order_id,) = raw.run(
        "INSERT INTO care_supplyorder (" + ", ".join(row) + ") VALUES (" + ", ".join(["%s"] * len(row)) + ") RETURNING id",
        [raw.when(v) if isinstance(v, datetime.datetime) else raw.json(v) if isinstance(v, list) else v
         for v in row.values()]).fetchone()
    raw.run("INSERT INTO care_supplyorderline (order_id, item_id, text, quantity) VALUES " + raw.values(len(lines), 4),
            [v for item_id, quantity in lines for v in (order_id, item_id, "", quantity)])
    changes = {k: [None, str(v) if isinstance(v, (datetime.date, datetime.datetime)) else v] for k, v in row.items()}
    raw.run(AUDIT_INSERT.format(values=raw.values(1, AUDIT_COLUMNS)),
            audit_rows(raw, now, actor, content_types["order"], [(order_id, f"订单 {receipt[:5]}-{receipt[5:]}", changes)]))
    raw.commit()


def raw_assign(raw: Raw, grid_id: int, building_ids: list[int], actor, volunteer, content_types) -> int:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    now = timezone.now()
    due = now + datetime.timedelta(hours=12)
    raw.begin()
    marks = ", ".join(["%s"] * len(building_ids))
    orders = raw.run(
        "SELECT o.id, o.priority, o.receipt, b.name, h.unit, h.room FROM care_supplyorder o "
        "JOIN areas_household h ON h.id = o.household_id JOIN areas_building b ON b.id = h.building_id "
        f"WHERE o.area_id = %s AND o.status = 'placed' AND o.verified AND h.building_id IN ({marks}) "
        "ORDER BY o.priority, b.name, h.unit, h.room FOR UPDATE OF o", [grid_id, *building_ids]).fetchall()
    if not orders:
        raw.commit()
        return 0
    (batch_id,) = raw.run("INSERT INTO care_deliverybatch (area_id, created_by_id, created_at, assignee_id, team_label) "
                          "VALUES (%s, %s, %s, %s, '') RETURNING id",
                          [grid_id, actor.pk, raw.when(now), volunteer.pk]).fetchone()
    ids = [o[0] for o in orders]
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        raw.run(f"UPDATE care_supplyorder SET status = 'assigned', batch_id = %s WHERE id IN ({', '.join(['%s'] * len(part))})",
                [batch_id, *part])
    raw.run(AUDIT_INSERT.format(values=raw.values(1, AUDIT_COLUMNS)), audit_rows(raw, now, actor, content_types["batch"], [
        (batch_id, f"batch {batch_id}", {"area": [None, grid_id], "assignee": [None, volunteer.pk]})]))
    work = [(pk, priority, _("Deliver order %(receipt)s to %(home)s") % {
        "receipt": f"{receipt[:5]}-{receipt[5:]}", "home": f"{name} {f'{unit}单元 ' if unit else ''}{room}"})
        for pk, priority, receipt, name, unit, room in orders]
    for urgent in (True, False):
        chosen = [w for w in work if (w[1] == 1) == urgent]
        for k in range(0, len(chosen), 500):
            part = chosen[k:k + 500]
            params = []
            for pk, _priority, title in part:
                params += ["delivery", title, grid_id, content_types["order"], pk, volunteer.pk, "",
                           1 if urgent else 2, "open", raw.when(due), 0, "", actor.pk, raw.when(now)]
            created = raw.run("INSERT INTO core_workorder (kind, title, area_id, subject_type_id, subject_id, assignee_id, "
                              "assignee_role, priority, status, due_at, escalation_level, reason, created_by_id, "
                              f"created_at) VALUES {raw.values(len(part), 14)} RETURNING id", params).fetchall()
            raw.run("INSERT INTO core_workorderevent (work_order_id, at, actor_id, action, note) VALUES "
                    + raw.values(len(created), 5),
                    [v for (wid,) in created for v in (wid, raw.when(now), actor.pk, "created", "")])
            raw.run(AUDIT_INSERT.format(values=raw.values(len(created), AUDIT_COLUMNS)),
                    audit_rows(raw, now, actor, content_types["work"], [
                        (wid, title, {"kind": [None, "delivery"], "title": [None, title]})
                        for (wid,), (_pk, _p, title) in zip(created, part, strict=True)]))
    raw.commit()
    return len(orders)


# --- the workers -------------------------------------------------------------------------------------------

def _worker(side: str, phase: str, jobs: list, names: dict, ready, go, done) -> None:
    """One process: its share of orders to place or grids to assign, through the service or the driver."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from frontline.areas.models import Area, Household
    from frontline.care.models import DeliveryBatch, SupplyItem, SupplyOrder
    from frontline.care.orders import LineIn, order_place, orders_assign
    from frontline.core.models import User, WorkOrder

    connection.close()  # the parent's connection stays the parent's
    actor = User.objects.get(username=names["actor"])
    volunteer = User.objects.get(username="volunteer")
    items = SupplyItem.objects.in_bulk()
    content_types = {"order": ContentType.objects.get_for_model(SupplyOrder).pk,
                     "batch": ContentType.objects.get_for_model(DeliveryBatch).pk,
                     "work": ContentType.objects.get_for_model(WorkOrder).pk}
    raw = Raw() if side == "raw" else None
    if phase == "place" and side == "service":
        homes = Household.objects.select_related("building").in_bulk({j[0] for j in jobs})
    if phase == "assign" and side == "service":
        grids = Area.objects.in_bulk([g for g, _b in jobs])
    errors = 0
    ready.wait()
    go.wait()
    deadline = time.monotonic() + names["limit"]
    done_count, cut = 0, False
    for job in jobs:
        if time.monotonic() > deadline:
            cut = True
            break
        try:
            if phase == "place":
                if side == "service":
                    household_id, _area, phone, lines = job
                    order_place(actor=actor, household=homes[household_id], channel="hotline", contact_phone=phone,
                                lines=[LineIn(item_id=i, quantity=q) for i, q in lines])
                else:
                    raw_place(raw, job, actor, items, content_types)
                done_count += 1
            elif side == "service":
                grid_id, buildings = job
                orders_assign(actor=actor, area=grids[grid_id], building_ids=buildings, assignee=volunteer)
            else:
                grid_id, buildings = job
                done_count += raw_assign(raw, grid_id, buildings, actor, volunteer, content_types)
        except Exception as e:  # noqa: BLE001 — counted and shown: a bench must finish
            errors += 1
            if errors <= 3:
                print(f"  {side} {phase}: {type(e).__name__}: {e}", file=sys.stderr)
            if raw is not None:
                try:
                    raw.cursor.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 — no transaction was open
                    pass
    done.put((done_count, errors, cut))
    connection.close()


def run_parallel(side: str, phase: str, jobs: list, workers: int, names: dict) -> tuple[float, int, int]:
    """The jobs shared among `workers` forked processes, all started together; wall time from the start."""
    from django.db import connection

    connection.close()
    context = multiprocessing.get_context("fork")
    ready, go, done = context.Barrier(workers + 1), context.Barrier(workers + 1), context.Queue()
    shares = [jobs[k::workers] for k in range(workers)]
    processes = [context.Process(target=_worker, args=(side, phase, share, names, ready, go, done)) for share in shares]
    for p in processes:
        p.start()
    ready.wait(timeout=600)
    start = time.perf_counter()
    go.wait(timeout=60)
    results = [done.get() for _ in processes]
    took = time.perf_counter() - start
    for p in processes:
        p.join()
    if any(p.exitcode for p in processes):
        raise SystemExit(f"a {side} {phase} worker failed")
    if any(r[2] for r in results):
        CUT.append(f"{side} {phase}")
    return took, sum(r[0] for r in results), sum(r[1] for r in results)


CUT: list[str] = []  # the sides of phases stopped at --limit


# --- setting up ---------------------------------------------------------------------------------------------

def clear_orders() -> None:
    """The bench's earlier orders gone (delivery work orders, batches, lines, orders); audit rows stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_workorderevent WHERE work_order_id IN "
                       "(SELECT id FROM core_workorder WHERE kind IN ('delivery', 'order_check'))")
        cursor.execute("DELETE FROM core_workorder WHERE kind IN ('delivery', 'order_check')")
        cursor.execute("DELETE FROM care_supplyorderline")
        cursor.execute("UPDATE care_supplyorder SET batch_id = NULL")
        cursor.execute("DELETE FROM care_deliverybatch")
        cursor.execute("DELETE FROM care_supplyorder")


def put_back() -> None:
    """The assigned orders placed again, their delivery work orders and batches gone: the raw side's turn."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_workorderevent WHERE work_order_id IN "
                       "(SELECT id FROM core_workorder WHERE kind = 'delivery')")
        cursor.execute("DELETE FROM core_workorder WHERE kind = 'delivery'")
        cursor.execute("UPDATE care_supplyorder SET status = 'placed', batch_id = NULL")
        cursor.execute("DELETE FROM care_deliverybatch")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE care_supplyorder")


def hotline_account():
    """A hotline account of the whole city (bench only), taking calls for any household."""
    from frontline.areas.models import Area
    from frontline.core.models import Assignment, User

    city = Area.objects.get_first_root_node()
    user, _ = User.objects.update_or_create(username="bench_hotline", defaults={"role": "hotline", "area": city,
                                                                                "is_active": True})
    Assignment.objects.get_or_create(user=user, role="hotline", area=city,
                                     defaults={"valid_from": datetime.date(2022, 3, 1)})
    return user


def order_specs(count: int, rng) -> list:
    from frontline.areas.models import Household
    from frontline.demo.care import demo_catalogue_create

    items = [i for i in demo_catalogue_create().values() if i.orderable]
    homes = list(Household.objects.order_by("id").values_list("id", "building__area_id"))
    rng.shuffle(homes)
    specs = []
    for k in range(count):
        household_id, area_id = homes[k % len(homes)]
        chosen = rng.sample(items, rng.choice((1, 1, 2, 2, 3)))
        specs.append((household_id, area_id, f"139{rng.randrange(10**8):08d}",
                      [(i.pk, rng.randint(1, i.max_per_order)) for i in chosen]))
    return specs, len(homes)


def register_figures():
    from frontline.areas.figures import FLOW, Figure, register
    from frontline.care.models import SupplyOrder
    from frontline.core import plugins

    registered_here = []
    for code, label, when in (("orders_placed", "orders placed", "placed_at"),
                              ("orders_delivered", "orders delivered", "delivered_at")):
        if plugins.figures.get(code) is None:
            register(Figure(code=code, label=label, unit="", app="care", rows=lambda at: SupplyOrder.objects.all(),
                            area="area", building="household__building", kind=FLOW, when=when, day="day"))
            registered_here.append(code)
    return registered_here


FIGURES_SQL = ("SELECT substr(a.path, 1, %s) AS k, "
               "sum(CASE WHEN o.placed_at >= %s AND o.placed_at < %s THEN 1 ELSE 0 END), "
               "sum(CASE WHEN o.delivered_at >= %s AND o.delivered_at < %s THEN 1 ELSE 0 END) "
               "FROM care_supplyorder o JOIN areas_area a ON a.id = o.area_id "
               "WHERE a.path LIKE %s AND o.day >= %s AND o.day <= %s GROUP BY k")


def median_ms(fn, runs=5):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main():
    args = arguments()
    wall = time.perf_counter()
    open_city(args)
    from django.db import connection
    from django.utils import timezone

    from frontline.areas.figures import Period, figure_table
    from frontline.areas.models import Area, AreaLevel, Building
    from frontline.care.models import OrderStatus, SupplyOrder
    from frontline.core.models import User

    rng = random.Random(2022)
    clear_orders()
    actor = hotline_account()
    commander = User.objects.get(username="commander")
    specs, households = order_specs(args.orders, rng)
    print(f"database: {args.database}  residents: {args.residents:,}  households: {households:,}  orders: {args.orders:,}  "
          f"workers: {args.workers} processes  cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}")

    # (a) placing: two rounds, service then raw, a quarter of the orders each time.
    quarter = [specs[k::4] for k in range(4)]
    placed = {"service": [0.0, 0, 0], "raw": [0.0, 0, 0]}
    phase_start = time.perf_counter()
    for round_ in range(2):
        for side, share in (("service", quarter[2 * round_]), ("raw", quarter[2 * round_ + 1])):
            took, n, errors = run_parallel(side, "place", share, args.workers, {"actor": actor.username, "limit": args.limit})
            placed[side][0] += took
            placed[side][1] += n
            placed[side][2] += errors
    place_s = time.perf_counter() - phase_start
    connection.ensure_connection()
    stored = SupplyOrder.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE care_supplyorder")

    # (b) assignment by building: every grid with its buildings, service first, then put back, then raw.
    buildings: dict[int, list[int]] = {}
    for pk, area_id in Building.objects.order_by("area_id", "id").values_list("id", "area_id"):
        buildings.setdefault(area_id, []).append(pk)
    with_orders = set(SupplyOrder.objects.values_list("area_id", flat=True).distinct())
    jobs = sorted((grid, ids) for grid, ids in buildings.items() if grid in with_orders)
    phase_start = time.perf_counter()
    assigned = {}
    for side in ("service", "raw"):
        if side == "raw":
            connection.ensure_connection()
            put_back()
        took, _n, errors = run_parallel(side, "assign", jobs, args.workers, {"actor": commander.username, "limit": args.limit})
        connection.ensure_connection()
        assigned[side] = (took, SupplyOrder.objects.filter(status="assigned").count(), errors)
    assign_s = time.perf_counter() - phase_start
    connection.ensure_connection()

    # (c) the daily figures for today: a third of the orders delivered first.
    now = timezone.now()
    ids = list(SupplyOrder.objects.order_by("id").values_list("id", flat=True)[::3])
    for k in range(0, len(ids), 5000):
        SupplyOrder.objects.filter(pk__in=ids[k:k + 5000]).update(status=OrderStatus.DELIVERED, delivered_at=now)
    registered_here = register_figures()
    codes = ["orders_placed", "orders_delivered"]
    today = timezone.localdate(now)
    period = Period(today, today)
    lo, hi = period.bounds()
    raw = Raw()
    city = Area.objects.get_first_root_node()
    districts = list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path"))
    levels = [city, *districts]
    phase_start = time.perf_counter()
    figure_rows = []
    for area in levels:
        child_len = (area.depth + 1) * Area.steplen

        def service(area=area):
            table = figure_table(actor=commander, area=area, codes=codes, period=period)
            return {child.path: (values["orders_placed"], values["orders_delivered"]) for child, values in table.children
                    if values["orders_placed"] or values["orders_delivered"]}

        def by_sql(area=area, child_len=child_len):
            rows = raw.run(FIGURES_SQL, [child_len, raw.when(lo), raw.when(hi), raw.when(lo), raw.when(hi),
                                         area.path + "%", str(today), str(today)]).fetchall()
            return {k: (int(p), int(d)) for k, p, d in rows if p or d}

        service(), by_sql()  # warm
        service_ms, got = median_ms(service)
        raw_ms, expected = median_ms(by_sql)
        if got != expected:
            raise SystemExit(f"the figures of {area.name} differ: service {sorted(got.items())[:3]}…, "
                             f"raw {sorted(expected.items())[:3]}…")
        figure_rows.append((area, service_ms, raw_ms, sum(p for p, _d in got.values()), sum(d for _p, d in got.values()),
                            len(got)))
    figures_s = time.perf_counter() - phase_start

    # The table.
    s, r = placed["service"], placed["raw"]
    print(f"\n(a) placing, one transaction an order, {args.workers} processes at once "
          f"({s[1] + r[1]:,} placed, {stored:,} in the table, {time.perf_counter() - wall:.0f} s so far; phase {place_s:.0f} s)")
    print(f"{'':>26}{'orders':>9}{'seconds':>9}{'orders/s':>10}{'errors':>8}")
    for side, (took, n, errors) in placed.items():
        print(f"{'order_place' if side == 'service' else 'raw driver':>26}{n:>9,}{took:>9.1f}{n / took:>10,.0f}{errors:>8}")
    print(f"{'ratio service / raw':>26}{(s[1] / s[0]) / (r[1] / r[0]):>36.2f}   (goal ≥ 0.5)")
    print(f"\n(b) assignment by building, one call / transaction a grid ({len(jobs):,} grids, "
          f"{sum(len(b) for b in buildings.values()):,} buildings), {args.workers} processes; phase {assign_s:.0f} s")
    print(f"{'':>26}{'orders':>9}{'seconds':>9}{'orders/s':>10}{'errors':>8}")
    for side, (took, n, errors) in assigned.items():
        print(f"{'orders_assign' if side == 'service' else 'raw driver':>26}{n:>9,}{took:>9.1f}{n / took:>10,.0f}{errors:>8}")
    (st, sn, _e), (rt, rn, _e2) = assigned["service"], assigned["raw"]
    print(f"{'ratio service / raw':>26}{(sn / st) / (rn / rt):>36.2f}   (goal ≥ 0.5)")
    note = f"; registered by the bench: {', '.join(registered_here)}" if registered_here else ""
    print(f"\n(c) daily figures orders_placed / orders_delivered for {today}, median of 5{note}; phase {figures_s:.0f} s")
    print(f"{'area':>26}{'children':>9}{'placed':>9}{'delivered':>10}{'service ms':>11}{'raw ms':>8}{'ratio':>7}")
    for area, service_ms, raw_ms, p, d, children in figure_rows:
        print(f"{area.name[:12] + ' (' + area.level + ')':>26}{children:>9}{p:>9,}{d:>10,}{service_ms:>11.1f}{raw_ms:>8.1f}"
              f"{service_ms / raw_ms:>7.2f}")
    service_total, raw_total = sum(f[1] for f in figure_rows), sum(f[2] for f in figure_rows)
    print(f"{'city + every district':>26}{'':>28}{service_total:>11.1f}{raw_total:>8.1f}{service_total / raw_total:>7.2f}"
          "   (goal ≤ 1.5)")
    if CUT:
        print(f"stopped at --limit {args.limit} s (the rates stand; the counts are what was done): {', '.join(CUT)}")
    print(f"\nwhole run {time.perf_counter() - wall:.0f} s ({datetime.date.today()})")


if __name__ == "__main__":
    main()
