"""Benchmark 5(a): entrance scans through the scanners' API, served as in production, beside a bare handler
of the same stack that only inserts the same rows.

    .venv/bin/python bench/checkpoint_scans.py [--residents 20000] [--keep] [--batches 1,10,100,1000]
                                               [--seconds 5] [--connections 8] [--profile]

Uses (or generates) the PostgreSQL city of bench/city.py (tag `_scans` unless FRONTLINE_BENCH_TAG is set; with
--keep it stays for the next run), serves it with `frontline serve` as configured (gunicorn, its default
workers and threads) on 127.0.0.1, issues a machine token of purpose `scans:write` (a kiosk gateway) and
opens a checkpoint for the run. For each batch size it pre-encodes request bodies (unique client ids, the
city's residents by ID number, 2% red codes so the stop alerts are on the path, temperatures 36.0–37.2) and
loads them with `wrk` (one thread, `--connections`, a Lua script rotating the bodies, `--seconds`). Then the
same rows go to the bare handler (bench/scans_bare), served by the same `frontline serve` with Frontline's
settings and middleware. The comparison is kept fair both ways: the bare handler is mounted in Frontline's
own URLconf just before the API (its requests walk the same URL patterns), inserts the same columns with the
same values (person, grid and staff ids come in its body instead of being looked up; passed and reasons
from the colour) by the same one statement (unnest of array literals, ON CONFLICT DO NOTHING RETURNING, no
transaction around it, as the service's batch without stops), parses and answers with the same `json`
module, one short answer per record; it authenticates no one, looks up, judges and audits nothing.
Printed: scans stored per second and requests per second for both, the ratio, and p50/p99 latency.
Afterwards: every client id the API acknowledged (stored or duplicate) must be in the table (`lost` must
be 0), and one batch of 1,000 sent three times must be stored once. With --profile the service alone (no
HTTP) runs batches of 1,000 under cProfile.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTLINE_BENCH_TAG", "_scans")

from bench.city import open_city  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    parser.add_argument("--batches", default="1,10,100,1000", help="batch sizes (records a request)")
    parser.add_argument("--seconds", type=int, default=5, help="load time per batch size and server")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--profile", action="store_true", help="profile the service on batches of 1,000, no HTTP")
    args = parser.parse_args()
    args.database = "postgresql"
    args.batches = [int(b) for b in args.batches.split(",")]
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def records_for(people, count: int, tag: str, rng) -> list[dict]:
    return [{"client_id": f"{tag}-{i}", "person": number, "person_id": pk, "grid_id": grid,
             "direction": "in" if i % 2 else "out", "code_colour": "red" if rng.random() < 0.02 else "green",
             "temperature": round(36 + rng.random() * 1.2, 1)}
            for i, (pk, number, grid) in zip(range(count), (people[k % len(people)] for k in range(count)), strict=False)]


_BARE_ONLY, _SERVICE_ONLY = ("person_id", "grid_id"), ("person",)


def write_bodies(path: Path, records: list[dict], size: int, bare: bool, staff: int) -> int:
    """One JSON body a line: the service's bodies name the person by ID number (it resolves them); the bare
    handler's carry what it inserts instead (person and grid ids, and the staff id the service takes from the
    token)."""
    drop = _SERVICE_ONLY if bare else _BARE_ONLY
    with path.open("w") as out:
        for k in range(0, len(records), size):
            chunk = [{key: v for key, v in r.items() if key not in drop} for r in records[k:k + size]]
            out.write(json.dumps({"staff_id": staff, "records": chunk} if bare else {"records": chunk},
                                 separators=(",", ":")) + "\n")
    return (len(records) + size - 1) // size


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "frontline.cli", "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within two minutes")


def wrk(port: int, path: str, bodies: Path, token: str, seconds: int, connections: int, acks: str) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s",
                          str(ROOT / "bench" / "scans_wrk.lua"), f"http://127.0.0.1:{port}", "--", str(bodies), path,
                          token, "1", acks], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def read_acks(prefix: str) -> dict[str, str]:
    acked = {}
    for path in Path(prefix).parent.glob(Path(prefix).name + "*"):
        for line in path.read_text().splitlines():
            client, _, status = line.partition(" ")
            acked.setdefault(client, status)
    return acked


def post(port: int, path: str, token: str, body: bytes) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def profile(people, site, actor) -> None:
    import cProfile
    import pstats

    from frontline.epidemic.scans import scans_record

    rng = random.Random(1)
    records = records_for(people, 20_000, f"prof{time.time_ns()}", rng)
    for r in records:
        r.pop("person_id"), r.pop("grid_id")
    batches = [records[k:k + 1000] for k in range(0, len(records), 1000)]
    for batch in batches[:2]:
        scans_record(actor=actor, site=site, rows=batch, source="bench")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for batch in batches[2:]:
        scans_record(actor=actor, site=site, rows=batch, source="bench")
    profiler.disable()
    took = time.perf_counter() - start
    print(f"service alone, profiled: {len(batches[2:]) * 1000 / took:,.0f} scans/s")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main():
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (scripts/setup --test installs it)")
    env = {**os.environ, **open_city(args), "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1",
           "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    from django.db import connection
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from frontline.areas.models import Area, Site
    from frontline.core.models import ApiToken, User
    from frontline.epidemic.models import CheckpointScan
    from frontline.people.models import Person, Resident

    commander = User.objects.get(username="commander")
    grid = Area.objects.filter(level="grid").order_by("path").first()
    site, _ = Site.objects.get_or_create(kind="checkpoint", name="压测卡口", area=grid)
    people = list(Person.objects.filter(id_number__isnull=False).order_by("id").annotate(grid=Subquery(
        Resident.objects.filter(person=OuterRef("pk"), moved_out__isnull=True).order_by("-id")
        .values("household__building__area_id")[:1])).values_list("id", "id_number", "grid")[:20_000])
    if args.profile:
        profile(people, site, commander)
        return
    _row, token = ApiToken.issue(user=commander, name="bench kiosk gateway", purpose="scans:write")
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="frontline-scans-bench-"))
    rng = random.Random(2022)
    run = f"r{int(time.time())}"
    results, lost_total, acked_total = {}, 0, 0
    # Enough bodies for the load time at a generous rate (a body sent twice is a duplicate, never a second row).
    plan = {1: 6_000, 10: 40_000, 100: 150_000, 1000: 250_000}
    try:
        for label, settings_module, path in [("frontline", "frontline.settings", f"/api/v1/checkpoints/{site.pk}/scans"),
                                             ("bare", "bench.scans_bare.settings", f"/bare/checkpoints/{site.pk}/scans")]:
            port = free_port()
            server = serve({**env, "DJANGO_SETTINGS_MODULE": settings_module}, port)
            try:
                warm = work / f"warm-{label}.jsonl"
                write_bodies(warm, records_for(people, 2_000, f"{run}{label}w", rng), 10, label == "bare", commander.pk)
                wrk(port, path, warm, token, 2, args.connections, str(work / f"ack-warm-{label}-"))
                for size in args.batches:
                    count = plan.get(size, size * 200)
                    bodies = work / f"{label}-{size}.jsonl"
                    tag = f"{run}{label[0]}{size}"
                    write_bodies(bodies, records_for(people, count, tag, rng), size, label == "bare", commander.pk)
                    acks = str(work / f"ack-{label}-{size}-")
                    figures = wrk(port, path, bodies, token, args.seconds, args.connections, acks)
                    acked = read_acks(acks)
                    stored = sum(s == "stored" for s in acked.values())
                    connection.ensure_connection()
                    ids, found = list(acked), 0
                    for k in range(0, len(ids), 5000):  # every acknowledged client id, looked up
                        found += CheckpointScan.objects.filter(site=site, day=timezone.localdate(),
                                                               client_id__in=ids[k:k + 5000]).count()
                    lost = len(acked) - found if label == "frontline" else 0
                    lost_total += lost
                    acked_total += len(acked) if label == "frontline" else 0
                    connection.close()
                    results[(label, size)] = (stored / figures["seconds"], figures["requests"] / figures["seconds"],
                                              figures["p50ms"], figures["p99ms"], figures["non200"] + figures["errors"],
                                              lost)
                if label == "frontline":  # a batch of 1,000 sent three times: stored once
                    retry = records_for(people, 1000, f"{run}retry", rng)
                    body = json.dumps({"records": [{k: v for k, v in r.items() if k not in _BARE_ONLY} for r in retry]}).encode()
                    answers = [post(port, path, token, body) for _ in range(3)]
                    connection.ensure_connection()
                    rows = CheckpointScan.objects.filter(client_id__startswith=f"{run}retry-").count()
                    retry_ok = (rows == 1000 and answers[0]["stored"] == 1000
                                and all(a["duplicate"] == 1000 and a["stored"] == 0 for a in answers[1:]))
                    connection.close()
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"database: postgresql  residents: {args.residents:,}  server: frontline serve (defaults: 2 workers x 4 "
          f"threads)  load: wrk -t1 -c{args.connections} -d{args.seconds}s  cores: {os.cpu_count()}  "
          f"load average: {os.getloadavg()[0]:.1f}")
    print(f"{'batch':>6}{'scans/s':>10}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'bare scans/s':>14}{'bare req/s':>12}"
          f"{'ratio':>7}{'errors':>8}{'lost':>6}")
    for size in args.batches:
        f, b = results[("frontline", size)], results[("bare", size)]
        print(f"{size:>6}{f[0]:>10,.0f}{f[1]:>9,.0f}{f[2]:>8.1f}{f[3]:>8.1f}{b[0]:>14,.0f}{b[1]:>12,.0f}"
              f"{f[0] / b[0] if b[0] else 0:>7.2f}{f[4]:>8.0f}{f[5]:>6}")
    print(f"acknowledged client ids: {acked_total:,}, not in the table: {lost_total} (must be 0)")
    print("a batch of 1,000 sent three times: " + ("stored once, then 1,000 duplicates twice" if retry_ok
                                                   else "COUNTED MORE THAN ONCE"))
    print("scans/s = records answered `stored` per second of load; ratio = Frontline scans/s / bare handler "
          f"scans/s ({datetime.date.today()})")


if __name__ == "__main__":
    main()
