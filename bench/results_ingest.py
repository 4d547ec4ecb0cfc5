"""Benchmark: loading a laboratory's results file through Frontline against the raw driver doing the same work.

    .venv/bin/python bench/results_ingest.py [--rows 1000000] [--database sqlite|postgresql] [--user lab] [--keep]

Uses the bench city (bench/city.py, small: only its demo round and testing site are needed), gives the demo
round N tubes (inserted once with COPY / executemany, kept with --keep), writes a results CSV of N rows
(试管编码, 检测结果, 检测时间, 检测机构; one tube in 10,000 positive), then in the same run:
- Frontline: `results_apply` (every row checked: tube-code shape, result word, time; the round's tubes looked
  up a chunk at a time, in the loader's scope with --user; results written set-based where the tube had none;
  the positive tubes followed up; one audit entry), in one transaction;
- raw: the same file parsed with the csv module, its rows loaded into a temporary table through the driver
  (COPY on PostgreSQL, executemany on SQLite) and one UPDATE joining it to the round's tubes; nothing checked.
Each runs in a transaction rolled back afterwards, so both start from tubes without results.
Prints rows per second for both, the ratio (raw time / Frontline time; the goal is ≥ 0.5) and the process's
peak memory before and after each (memory flat: the file is streamed, never held).
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

from bench.city import median_time, open_city  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=5_000, help="the bench city's size (its round is used)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--user", default="", help="load as this demo account (e.g. lab, secretary); default: the system")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def code_of(n: int) -> str:
    return f"B{n:09d}"


def tubes_make(testing_round, site, laboratory, rows: int) -> None:
    """N tubes of the round without results (inserted once; a kept database keeps them)."""
    from django.db import transaction
    from django.utils import timezone

    from frontline.core.bulk import allocate_ids, insert_rows
    from frontline.epidemic.models import Tube

    have = Tube.objects.filter(round=testing_round, code__startswith="B").count()
    if have >= rows:
        return
    start = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        Tube.objects.filter(round=testing_round, code__startswith="B").delete()
        for first in range(0, rows, 100_000):
            count = min(100_000, rows - first)
            ids = allocate_ids(Tube, count)
            insert_rows(Tube, ("id", "round_id", "code", "site_id", "pool_size", "samples_count", "opened_at",
                               "laboratory_id"),
                        ((pk, testing_round.pk, code_of(first + i), site.pk, 10, 0, now, laboratory.pk)
                         for i, pk in enumerate(ids)))
    print(f"made {rows:,} tubes in {time.perf_counter() - start:.1f} s")


def file_write(path: Path, rows: int, lab: str) -> None:
    at = datetime.datetime(2022, 4, 3, 12, 0)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["试管编码", "检测结果", "检测时间", "检测机构"])
        for n in range(rows):
            word = "阳性" if n % 10_000 == 9_999 else "阴性"
            writer.writerow([code_of(n), word, (at + datetime.timedelta(seconds=n % 36_000)).strftime("%Y-%m-%d %H:%M:%S"),
                             lab])


WORDS = {"阴性": "negative", "阳性": "positive", "无效": "invalid"}


def raw_load(connection, round_id: int, path: Path, chunk: int = 50_000) -> int:
    """The same results written by hand: the file into a temporary table, then one UPDATE of the round's tubes
    that have none. Times parsed by the database, words mapped in Python; nothing else checked."""
    pg = connection.vendor == "postgresql"
    cursor = connection.connection.cursor()
    cursor.execute("CREATE TEMPORARY TABLE results_in (code varchar(32), result varchar(10), at varchar(32), "
                   "src varchar(100))")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        if pg:
            with cursor.copy("COPY results_in (code, result, at, src) FROM STDIN") as copy:
                for code, word, at, src in reader:
                    copy.write_row((code, WORDS[word], at, src))
        else:
            rows = []
            for code, word, at, src in reader:
                rows.append((code, WORDS[word], at, src))
                if len(rows) == chunk:
                    cursor.executemany("INSERT INTO results_in VALUES (?, ?, ?, ?)", rows)
                    rows = []
            cursor.executemany("INSERT INTO results_in VALUES (?, ?, ?, ?)", rows)
    if pg:
        cursor.execute("UPDATE epidemic_tube t SET result = r.result, result_at = r.at::timestamp AT TIME ZONE "
                       "'Asia/Shanghai', result_source = r.src FROM results_in r WHERE t.round_id = %s AND "
                       "t.code = r.code AND t.result = ''", [round_id])
    else:
        cursor.execute("UPDATE epidemic_tube AS t SET result = r.result, result_at = r.at, result_source = r.src "
                       "FROM results_in r WHERE t.round_id = ? AND t.code = r.code AND t.result = ''", [round_id])
    written = cursor.rowcount
    cursor.execute("DROP TABLE results_in")
    return written


def main():
    args = arguments()
    open_city(argparse.Namespace(residents=args.residents, database=args.database, keep=args.keep))
    from django.db import connection, transaction

    from frontline.areas.models import Site, SiteKind
    from frontline.core.models import User
    from frontline.epidemic.models import Laboratory, TestingRound, Tube
    from frontline.epidemic.results import results_apply

    testing_round = TestingRound.objects.order_by("id").first()
    site = Site.objects.filter(kind=SiteKind.TESTING, round_sites__round=testing_round).first()
    laboratory = Laboratory.objects.order_by("id").first()
    tubes_make(testing_round, site, laboratory, args.rows)
    actor = User.objects.get(username=args.user) if args.user else None
    workdir = Path(tempfile.mkdtemp(prefix="frontline-results-"))
    path = workdir / "results.csv"
    file_write(path, args.rows, laboratory.name)
    print(f"{args.database}: {args.rows:,} result rows, {path.stat().st_size / 2**20:.0f} MB; "
          f"loaded as {args.user or 'the system'}")

    def frontline():
        with transaction.atomic():
            counts, _result = results_apply(actor=actor, testing_round=testing_round, path=path, filename=path.name)
            transaction.set_rollback(True)
        assert counts["set"] == args.rows, counts
        return counts

    def raw():
        with transaction.atomic():
            written = raw_load(connection, testing_round.pk, path)
            transaction.set_rollback(True)
        assert written == args.rows, written
        return written

    assert not Tube.objects.filter(round=testing_round, code__startswith="B").exclude(result="").exists()
    before = peak_mb()
    took, counts = median_time(frontline, args.runs)
    after = peak_mb()
    print(f"Frontline: {took:.1f} s, {args.rows / took:,.0f} rows/s ({counts}); peak memory {before:.0f} → "
          f"{after:.0f} MB")
    before = peak_mb()
    raw_took, _written = median_time(raw, args.runs)
    print(f"raw driver: {raw_took:.1f} s, {args.rows / raw_took:,.0f} rows/s; peak memory {before:.0f} → "
          f"{peak_mb():.0f} MB")
    print(f"ratio (raw time / Frontline time): {raw_took / took:.2f} (goal ≥ 0.5)")
    path.unlink()
    os.rmdir(workdir)


if __name__ == "__main__":
    main()
