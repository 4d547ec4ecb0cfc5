"""Benchmark: importing a roster file through Frontline against loading the same file raw.

    .venv/bin/python bench/import_roster.py --rows 100000 [--database sqlite|postgresql] [--xlsx] [--user commander]

Generates a small city (for its grids and buildings), writes a roster CSV of N new residents
(valid ID numbers, phones, households spread over the city's buildings), then in the same run:
- Frontline: `roster_apply` (check every cell, match by ID number, create people, households and
  residences, all in one transaction);
- raw: the same file parsed with the csv module and the same rows written into the same tables
  (same indexes and constraints) through the driver: COPY on PostgreSQL, executemany on SQLite;
  nothing checked, nothing matched.
Each runs in a transaction that is rolled back afterwards, so both start from the same database.
The import runs as the system (the command line without --user), or with --user as the demo account of
that name (`commander`: the city, so every row is in scope, but each chunk's people are checked against the
scope: with --twice, every row is matched and checked).
Prints both rates (rows per second), their ratio (raw time / Frontline time) and peak memory, and,
for scale, the time to COPY the file into an unindexed staging table.

With --xlsx the same rows are also written as an .xlsx workbook, and the run reports how fast two
readers parse it, each in a process of its own (time and that process's peak memory): openpyxl's
read-only mode (what Frontline uses, streaming) and python-calamine (Rust, holds the whole sheet),
then Frontline's import of the .xlsx.
"""

import argparse
import csv
import datetime
import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_load(connection, path: Path, chunk: int = 10_000) -> None:
    """What the import writes, done by hand with the driver: people (with their pinyin keys, birth date
    and sex from the ID number), one household per building/unit/room, one residence each; in chunks,
    COPY on PostgreSQL, executemany on SQLite. No checks, no matching, no audit."""
    from frontline.people.pinyin import pinyin_keys

    relations = {"户主": "head", "其他": "other"}
    pg = connection.vendor == "postgresql"
    cursor = connection.connection.cursor()

    def next_ids(table):
        if pg:
            cursor.execute(f"SELECT last_value + 1000000000 FROM {table}_id_seq")
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1000000000 FROM {table}")
        return iter(range(cursor.fetchone()[0], 1 << 62))

    def insert(table, columns, rows):
        if pg:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                               rows)

    cursor.execute("SELECT a.code, b.name, b.id FROM areas_building b JOIN areas_area a ON a.id = b.area_id")
    buildings = {(code, name): pk for code, name, pk in cursor.fetchall()}
    person_ids, household_ids, resident_ids = (next_ids(t) for t in ("people_person", "areas_household", "people_resident"))
    today = datetime.date.today()
    households = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        while True:
            rows = list(itertools.islice(reader, chunk))
            if not rows:
                break
            people, new_households, residents = [], [], []
            for grid_code, name, id_number, phone, building, unit, room, relation in rows:
                person_id = next(person_ids)
                full, initials = pinyin_keys(name)
                people.append((person_id, name, full, initials, id_number, "", "",
                               datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
                               "M" if int(id_number[16]) % 2 else "F", phone))
                key = (buildings[grid_code, building], unit, room)
                if key not in households:
                    households[key] = next(household_ids)
                    new_households.append((households[key], *key))
                residents.append((next(resident_ids), person_id, households[key], relations[relation], today, None))
            insert("people_person", ("id", "name", "pinyin_full", "pinyin_initials", "id_number", "doc_type",
                                     "doc_number", "birth_date", "sex", "phone"), people)
            insert("areas_household", ("id", "building_id", "unit", "room"), new_households)
            insert("people_resident", ("id", "person_id", "household_id", "relation", "moved_in", "moved_out"),
                   residents)


def read_xlsx(reader: str, path: Path) -> None:
    """Parse every cell of the workbook's first sheet as text and print seconds, rows and peak RSS (run in a
    process of its own, so that the peak is this reader's)."""
    start = time.perf_counter()
    rows = 0
    if reader == "openpyxl":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            [str(v) for v in values]
            rows += 1
        workbook.close()
    else:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        for values in workbook.get_sheet_by_index(0).iter_rows():
            [str(v) for v in values]
            rows += 1
    # VmHWM: this process's own high-water mark (ru_maxrss keeps the parent's across exec).
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(f"{time.perf_counter() - start:.2f} {rows} {hwm / 1024:.0f}")


def measure_reader(reader: str, path: Path) -> str:
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--read", str(path), "--reader", reader], capture_output=True,
                         text=True)
    if out.returncode:
        return f"{reader:<9}: failed ({out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode})"
    seconds, rows, peak = out.stdout.split()
    return (f"{reader:<9}: {float(seconds):8.1f} s  {int(rows) / float(seconds):10,.0f} rows/s  "
            f"peak RSS {int(peak):,} MB")


def write_xlsx(csv_path: Path, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            sheet.append(row)
    workbook.save(path)


def staging_load(connection, path: Path) -> None:
    cursor = connection.connection.cursor()
    cursor.execute("CREATE TABLE bench_staging (grid_code text, name text, id_number text, phone text, "
                   "building text, unit text, room text, relation text)")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        if connection.vendor == "postgresql":
            with cursor.copy("COPY bench_staging FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO bench_staging VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reader)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--profile", action="store_true", help="print where the import spends its time")
    parser.add_argument("--profile-sort", default="tottime", help="tottime or cumulative")
    parser.add_argument("--twice", action="store_true", help="import the same file a second time (changes nothing)")
    parser.add_argument("--xlsx", action="store_true", help="also as .xlsx: the readers' rates and the import")
    parser.add_argument("--user", help="import as this demo account (commander: city-wide) instead of the system")
    parser.add_argument("--read", help=argparse.SUPPRESS)  # in a child process: parse this workbook only
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_xlsx(args.reader, Path(args.read))
        return
    with tempfile.TemporaryDirectory(prefix="frontline-bench-import-") as tmp:
        tmp = Path(tmp)
        os.environ["FRONTLINE_DATA_DIR"] = str(tmp)
        os.environ["DJANGO_SETTINGS_MODULE"] = "frontline.settings"
        if args.database == "postgresql":
            import psycopg

            with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS frontline_bench_import")
                conn.execute("CREATE DATABASE frontline_bench_import")
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/frontline_bench_import"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from frontline.areas.models import Area, Building
        from frontline.core.validators import id_check_char
        from frontline.demo.generator import generate_city
        from frontline.grid.roster import RosterProblems, roster_apply
        from frontline.people.models import Person

        call_command("migrate", verbosity=0)
        generate_city(residents=20_000, seed=1, progress=False)
        actor = None
        if args.user:
            from frontline.core.models import User
            from frontline.demo.accounts import demo_accounts_create

            demo_accounts_create()
            actor = User.objects.get(username=args.user)
        buildings = list(Building.objects.select_related("area").values_list("area__code", "name"))
        path = tmp / "roster.csv"
        header = ["网格编码", "姓名", "身份证号", "联系电话", "楼栋", "单元", "房号", "与户主关系"]
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for i in range(args.rows):
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
                first17 = f"110105{birth:%Y%m%d}{i // 20000 % 1000:03d}"
                grid_code, building = buildings[(i // 3) % len(buildings)]
                writer.writerow([grid_code, f"测试{i}", first17 + id_check_char(first17), f"139{i:08d}", building,
                                 "1", str(9000 + i // 3 // len(buildings)), "户主" if i % 3 == 0 else "其他"])
        size_mb = path.stat().st_size / 2**20
        base_rss = peak_mb()
        people_before = Person.objects.count()

        area = Area.objects.get_first_root_node()
        with transaction.atomic():  # rolled back: the raw load below inserts the same people
            start = time.perf_counter()
            profiler = None
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            try:
                counts, result = roster_apply(actor=actor, area=area, path=path, filename=path.name)
            except RosterProblems as e:
                sys.exit("the generated roster has problems: " + "; ".join(map(str, e.result.problems[:5])))
            frontline_s = time.perf_counter() - start
            frontline_rss = peak_mb()
            if profiler:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.profile_sort).print_stats(30)
            assert result.error_count == 0 and counts["people_created"] == args.rows, (result.problems[:5], counts)
            again_s = None
            if args.twice:
                start = time.perf_counter()
                if profiler:
                    profiler = cProfile.Profile()
                    profiler.enable()
                counts, _result = roster_apply(actor=actor, area=area, path=path, filename=path.name)
                again_s = time.perf_counter() - start
                if profiler:
                    profiler.disable()
                    print("--- the same file again:")
                    pstats.Stats(profiler).sort_stats(args.profile_sort).print_stats(30)
                assert counts["unchanged"] == args.rows and counts["people_created"] == 0, counts
            transaction.set_rollback(True)

        with transaction.atomic():
            start = time.perf_counter()
            raw_load(connection, path)
            raw_s = time.perf_counter() - start
            assert Person.objects.count() == people_before + args.rows
            transaction.set_rollback(True)

        with transaction.atomic():
            start = time.perf_counter()
            staging_load(connection, path)
            staging_s = time.perf_counter() - start
            transaction.set_rollback(True)

        xlsx_lines = []
        if args.xlsx:
            xlsx = tmp / "roster.xlsx"
            start = time.perf_counter()
            write_xlsx(path, xlsx)
            xlsx_lines.append(f"the same rows as .xlsx: {xlsx.stat().st_size / 2**20:.1f} MB, written by openpyxl in "
                              f"{time.perf_counter() - start:.1f} s; reading every cell (a process each):")
            xlsx_lines += ["  " + measure_reader(reader, xlsx) for reader in ("openpyxl", "calamine")]
            with transaction.atomic():
                start = time.perf_counter()
                counts, _result = roster_apply(actor=None, area=area, path=xlsx, filename=xlsx.name)
                xlsx_s = time.perf_counter() - start
                assert counts["people_created"] == args.rows, counts
                transaction.set_rollback(True)
            xlsx_lines.append(f"frontline import of the .xlsx: {xlsx_s:8.1f} s  {args.rows / xlsx_s:10,.0f} rows/s  "
                              f"peak RSS {peak_mb():,.0f} MB (ratio to the raw CSV load: {raw_s / xlsx_s:.2f})")
        connection.close()

    print(f"database: {args.database}  rows: {args.rows:,}  file: {size_mb:.1f} MB  as: {args.user or 'the system'}")
    print(f"frontline roster import : {frontline_s:8.1f} s  {args.rows / frontline_s:10,.0f} rows/s  "
          f"peak RSS {frontline_rss:,.0f} MB (before: {base_rss:,.0f} MB)")
    if again_s is not None:
        print(f"the same file again     : {again_s:8.1f} s  {args.rows / again_s:10,.0f} rows/s  "
              "(every row matched, nothing changed)")
    how = "COPY" if args.database == "postgresql" else "executemany"
    print(f"{'raw load (' + how + ')':<24}: {raw_s:8.1f} s  {args.rows / raw_s:10,.0f} rows/s  "
          "(the same people, households and residents into the same tables, nothing checked)")
    print(f"ratio (raw / frontline) : {raw_s / frontline_s:8.2f}")
    print(f"for scale, the file into an unindexed staging table ({how}): {staging_s:.1f} s "
          f"({args.rows / staging_s:,.0f} rows/s)")
    for line in xlsx_lines:
        print(line)


if __name__ == "__main__":
    main()
