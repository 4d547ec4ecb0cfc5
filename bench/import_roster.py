"""Benchmark: importing a roster file through Frontline against loading the same file raw.

    .venv/bin/python bench/import_roster.py --rows 100000 [--database sqlite|postgresql]

Generates a small city (for its grids and buildings), writes a roster CSV of N new residents
(valid ID numbers, phones, households spread over the city's buildings), then in the same run:
- Frontline: `roster_apply` (check, match by ID number, create people, households, residences,
  all in one transaction);
- raw: the same file parsed with the csv module and loaded into a staging table through the
  driver (COPY on PostgreSQL, executemany on SQLite).
Prints both rates (rows per second), their ratio (raw time / Frontline time) and peak memory.
"""

import argparse
import csv
import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
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
        from django.db import connection

        from frontline.areas.models import Area, Building
        from frontline.core.validators import id_check_char
        from frontline.demo.generator import generate_city
        from frontline.grid.roster import RosterProblems, roster_apply

        call_command("migrate", verbosity=0)
        generate_city(residents=20_000, seed=1, progress=False)
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

        start = time.perf_counter()
        try:
            counts, result = roster_apply(actor=None, area=Area.objects.get_first_root_node(), path=path,
                                          filename=path.name)
        except RosterProblems as e:
            sys.exit("the generated roster has problems: " + "; ".join(map(str, e.result.problems[:5])))
        frontline_s = time.perf_counter() - start
        frontline_rss = peak_mb()
        assert result.error_count == 0 and counts["people_created"] == args.rows, (result.problems[:5], counts)

        start = time.perf_counter()
        with connection.cursor() as c:
            c.execute("CREATE TABLE bench_staging (grid_code text, name text, id_number text, phone text, "
                      "building text, unit text, room text, relation text)")
        raw = connection.connection
        cursor = raw.cursor()
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            if connection.vendor == "postgresql":
                with cursor.copy("COPY bench_staging FROM STDIN") as copy:
                    for row in reader:
                        copy.write_row(row)
            else:
                cursor.executemany("INSERT INTO bench_staging VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reader)
        raw.commit()
        raw_s = time.perf_counter() - start
        connection.close()

    print(f"database: {args.database}  rows: {args.rows:,}  file: {size_mb:.1f} MB")
    print(f"frontline roster import : {frontline_s:8.1f} s  {args.rows / frontline_s:10,.0f} rows/s  "
          f"peak RSS {frontline_rss:,.0f} MB (before: {base_rss:,.0f} MB)")
    print(f"{'raw load (' + ('COPY' if args.database == 'postgresql' else 'executemany') + ')':<24}: {raw_s:8.1f} s  "
          f"{args.rows / raw_s:10,.0f} rows/s")
    print(f"ratio (raw / frontline) : {raw_s / frontline_s:8.2f}")


if __name__ == "__main__":
    main()
