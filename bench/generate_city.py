"""Benchmark: the demo-city generator against the raw database driver doing the same inserts.

    .venv/bin/python bench/generate_city.py --residents 100000 [--database sqlite|postgresql]

Run A builds the city through Frontline (`generate_city`: Django models, bulk_create). Run B builds
the same rows from the same seed (the same pure-Python plan) and inserts them with the database
driver directly: sqlite3 `executemany`, psycopg `COPY`. Each goes into its own fresh, migrated
database. Printed: both rates (residents per second, all tables included) and their ratio.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
PG = "postgres://postgres@127.0.0.1:5432/{}"


def configure(database: str, workdir: Path):
    os.environ.setdefault("FRONTLINE_DATA_DIR", str(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "frontline.settings"
    if database == "postgresql":
        import psycopg

        with psycopg.connect(PG.format("postgres"), autocommit=True) as conn:
            for name in ("frontline_bench_a", "frontline_bench_b"):
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
        urls = PG.format("frontline_bench_a"), PG.format("frontline_bench_b")
    else:
        urls = f"sqlite:///{workdir / 'a.sqlite3'}", f"sqlite:///{workdir / 'b.sqlite3'}"
    os.environ["DATABASE_URL"] = urls[0]
    import dj_database_url
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["raw"] = {**settings.DATABASES["default"], **dj_database_url.parse(urls[1])}
    settings.DATABASES["raw"]["OPTIONS"] = settings.DATABASES["default"].get("OPTIONS", {})
    from django.core.management import call_command

    for alias in ("default", "raw"):
        call_command("migrate", database=alias, verbosity=0)


class RawWriter:
    """Inserts tuples with the driver: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.conn = connection.connection
        self.cursor = self.conn.cursor()
        self.ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.vendor == "postgresql":
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def raw_city(connection, residents: int, seed: int, batch_size: int = 5000) -> int:
    from frontline.areas.models import Area
    from frontline.demo import plan as P
    from frontline.demo.generator import PARTY_ORG_NAMES
    from frontline.people.pinyin import pinyin_keys

    w = RawWriter(connection)
    plan = P.CityPlan.for_residents(residents)
    r = P.CityRandom(seed)
    tree = P.area_tree(plan, r)
    if w.vendor == "sqlite":
        w.cursor.execute("BEGIN")
    area_rows, org_rows, area_id, branch_id, names = [], [], {}, {}, {}

    def visit(spec, parent_path, depth, index):
        path = Area._get_path(parent_path, depth, index)
        aid = w.next_id("area")
        area_id[spec.code] = aid
        names[spec.code] = spec.name
        area_rows.append((aid, path, depth, len(spec.children), spec.name, spec.level, spec.code))
        template, kind = PARTY_ORG_NAMES[spec.level]
        oid = w.next_id("org")
        branch_id[spec.code] = oid
        org_name = template.format(name=spec.name, parent=names.get(spec.code[:12], ""))
        org_rows.append((oid, path, depth, len(spec.children), org_name, kind, False, aid))
        for i, child in enumerate(spec.children, start=1):
            visit(child, path, depth + 1, i)

    visit(tree, None, 1, 1)
    w.insert("areas_area", ("id", "path", "depth", "numchild", "name", "level", "code"), area_rows)
    w.insert("people_partyorg", ("id", "path", "depth", "numchild", "name", "kind", "temporary", "area_id"), org_rows)
    city_id = area_id[tree.code]
    people, residents_rows, members, cadres, buildings, households = [], [], [], [], [], []

    def flush():
        w.insert("areas_building", ("id", "area_id", "name", "address", "floors"), buildings)
        w.insert("areas_household", ("id", "building_id", "unit", "room"), households)
        w.insert("people_person", ("id", "name", "pinyin_full", "pinyin_initials", "id_number", "doc_type", "doc_number",
                                   "birth_date", "sex", "phone"), people)
        w.insert("people_resident", ("id", "person_id", "household_id", "relation", "moved_in"), residents_rows)
        w.insert("people_partymember", ("id", "person_id", "org_id", "status", "floating"), members)
        w.insert("people_cadre", ("id", "person_id", "home_unit", "unit_area_id", "rank", "position"), cadres)
        for rows in (people, residents_rows, members, cadres, buildings, households):
            rows.clear()

    for (district, grid), count in zip(P.walk_grids(tree), P.grid_residents(plan)):
        for b in P.grid_buildings(r, count, district.code[:6], grid.address):
            bid = w.next_id("building")
            buildings.append((bid, area_id[grid.code], b.name, b.address, max(1, len(b.households) // 2)))
            for h in b.households:
                hid = w.next_id("household")
                households.append((hid, bid, h.unit, h.room))
                for s in h.people:
                    pid = w.next_id("person")
                    full, initials = pinyin_keys(s.name)
                    people.append((pid, s.name, full, initials, s.id_number, s.doc_type, s.doc_number, s.birth_date,
                                   s.sex, s.phone))
                    residents_rows.append((w.next_id("resident"), pid, hid, s.relation, s.moved_in))
                    if s.party:
                        members.append((w.next_id("member"), pid, branch_id[grid.code], s.party, s.floating))
                    if s.cadre:
                        home_unit, rank, level = s.cadre_unit(district.name)
                        unit_area = city_id if level == "city" else area_id[district.code]
                        cadres.append((w.next_id("cadre"), pid, home_unit, unit_area, rank, ""))
        if len(people) >= batch_size:
            flush()
    flush()
    w.conn.commit()
    return w.ids.get("person", 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmp:
        configure(args.database, Path(tmp))
        from django.db import connections

        from frontline.demo.generator import generate_city
        from frontline.people.models import Person

        start = time.perf_counter()
        stats = generate_city(residents=args.residents, seed=args.seed, progress=False)
        frontline_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        start = time.perf_counter()
        raw_count = raw_city(connections["raw"], args.residents, args.seed)
        raw_s = time.perf_counter() - start
        assert raw_count == stats.residents == Person.objects.count(), (raw_count, stats.residents)
        same = Person.objects.order_by("id").values_list("id_number", flat=True)[:1000]
        with connections["raw"].cursor() as c:
            c.execute("SELECT id_number FROM people_person ORDER BY id LIMIT 1000")
            assert list(same) == [row[0] for row in c.fetchall()], "the two runs built different cities"
        for alias in ("default", "raw"):
            connections[alias].close()

    print(f"database: {args.database}  residents: {args.residents:,}  households: {stats.households:,}  "
          f"party members: {stats.party_members:,}  cadres: {stats.cadres:,}")
    print(f"frontline generate_city : {frontline_s:8.1f} s  {stats.residents / frontline_s:10,.0f} residents/s  "
          f"(peak RSS {peak_mb:,.0f} MB)")
    driver = "raw driver (COPY)" if args.database == "postgresql" else "raw driver (executemany)"
    print(f"{driver:<24}: {raw_s:8.1f} s  {raw_count / raw_s:10,.0f} residents/s")
    print(f"ratio (frontline / raw) : {raw_s / frontline_s:8.2f}")


if __name__ == "__main__":
    main()
