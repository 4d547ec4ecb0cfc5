"""The generated city the read benchmarks share: /tmp/frontline-bench-reads-<db>-<N> (SQLite file, or the
PostgreSQL database frontline_bench_reads_<N>), made once and reused with --keep. FRONTLINE_BENCH_TAG, when
set, is added to both names."""

import argparse
import os
import statistics
import time
from pathlib import Path


def arguments(doc: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    return parser.parse_args()


def open_city(args) -> dict:
    """Point Django at the benchmark city (generating it when missing), set Django up; returns the
    environment a server process needs to open the same database."""
    tag = os.environ.get("FRONTLINE_BENCH_TAG", "")  # keeps branches with other migrations apart
    workdir = Path(f"/tmp/frontline-bench-reads{tag}-{args.database}-{args.residents}")
    workdir.mkdir(exist_ok=True)
    env = {"FRONTLINE_DATA_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "frontline.settings"}
    if args.database == "postgresql":
        import psycopg

        name = f"frontline_bench_reads{tag}_{args.residents}"
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (exists and args.keep):
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    elif not args.keep:
        (workdir / "frontline.sqlite3").unlink(missing_ok=True)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.core.management import call_command

    from frontline.areas.figures import figures_refresh
    from frontline.areas.models import Area
    from frontline.demo.accounts import demo_accounts_create
    from frontline.demo.generator import generate_city

    call_command("migrate", verbosity=0)
    if not Area.objects.exists():
        start = time.perf_counter()
        generate_city(residents=args.residents, seed=2022, progress=False)
        print(f"generated {args.residents:,} residents in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    refreshed = figures_refresh()
    if refreshed:
        print(f"figures kept for {refreshed:,} areas marked since the last run in {time.perf_counter() - start:.1f} s")
    demo_accounts_create()
    return env


def median_time(fn, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def raw_sql(sql: str, params: dict) -> list[tuple]:
    """Plain SQL with named %(x)s parameters on the driver's own connection (sqlite3 or psycopg), not through
    the ORM: the benchmarks' yardstick."""
    import re

    from django.db import connection

    names = re.findall(r"%\((\w+)\)s", sql)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    cursor.execute(re.sub(r"%\(\w+\)s", "%s" if connection.vendor == "postgresql" else "?", sql),
                   [params[n] for n in names])
    return cursor.fetchall()
