"""Benchmark: registering samples through the terminals' API, served as in production, against the raw
database doing the same inserts in the same run.

    .venv/bin/python bench/sampling_api.py [--residents 100000] [--keep] [--batches 1,10,100]
                                           [--samples 2000,10000,40000] [--connections 8]

Uses (or generates) the PostgreSQL city of bench/city.py (frontline_bench_reads<TAG>_<N>; with --keep it stays
for the next run), serves it with `frontline serve` as it is (gunicorn, its default workers and threads) on
127.0.0.1, and issues a machine token of purpose `samples:write` to the demo commander (a terminal). For each
batch size it opens a new round over the city with one testing site and pre-encodes every request body (unique
client ids and tube codes, the city's residents by ID number, ten to a tube), then sends a fixed number of
requests from one light generator process (asyncio, HTTP/1.1 keep-alive, `--connections` at once) after a
short warm-up. Printed per batch size: samples accepted per second, requests per second, the generator's own
CPU (it must not eat the cores), the server's (gunicorn's processes, and the PostgreSQL backends serving
them) and what that CPU allows on two free cores (the machine may be shared), and, in the same run, the raw
database doing the same inserts (tubes and samples of the same rows, through psycopg, a transaction per batch
of the same size, one connection, person ids known beforehand: nothing parsed, checked or looked up), with
ratio = raw time / Frontline time. Afterwards every client id the API acknowledged (accepted or duplicate) is
counted in the database: nothing acknowledged may be missing; and the run's first 50 uploads are sent again,
twice over at once, which must answer "duplicate" for every record and change no count.

With --profile the service alone (no HTTP) runs batches of 100 under cProfile and prints its top functions.
"""

import argparse
import asyncio
import datetime
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.city import open_city  # noqa: E402

POOL = 10


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    parser.add_argument("--batches", default="1,10,100", help="batch sizes (records a request)")
    parser.add_argument("--samples", default="2000,10000,40000", help="samples sent at each batch size")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--profile", action="store_true", help="profile the service on batches of 100, no HTTP")
    args = parser.parse_args()
    args.database = "postgresql"
    args.batches = [int(b) for b in args.batches.split(",")]
    args.samples = [int(s) for s in args.samples.split(",")]
    if len(args.samples) != len(args.batches):
        parser.error("give as many --samples as --batches")
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class DatabaseCPU:
    """The CPU of the bench database's PostgreSQL backends (the server's connections, which come and go with
    CONN_MAX_AGE), polled from /proc while a run goes: each backend's last reading counts."""

    def __init__(self, name: str):
        import threading

        self.name, self.seen, self.stop = name.encode(), {}, threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def read(self):
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if cmdline.read_bytes().startswith(b"postgres: ") and self.name in cmdline.read_bytes():
                    pid = int(cmdline.parent.name)
                    self.seen[pid] = cpu_seconds([pid])
            except (FileNotFoundError, ProcessLookupError):
                continue

    def poll(self):
        while not self.stop.wait(0.25):
            self.read()

    def __enter__(self):
        self.read()
        self.before = dict(self.seen)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.read()
        self.used = sum(cpu - self.before.get(pid, 0) for pid, cpu in self.seen.items())


def process_tree(root: int) -> list[int]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def new_round(label: str, site):
    from django.utils import timezone

    from frontline.areas.models import Area
    from frontline.epidemic.models import RoundStatus
    from frontline.epidemic.rounds import testing_round_create

    now = timezone.now()
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1)
    testing_round = testing_round_create(actor=None, name=f"bench {label} {now:%H%M%S}",
                                         areas=[Area.objects.get_first_root_node()], starts_at=start, ends_at=end,
                                         pool_size=POOL, sites=[(site, start, end)])
    testing_round.status = RoundStatus.OPEN
    testing_round.save(update_fields=["status"])
    return testing_round


def rows_for(people, size: int, tag: str):
    """Records (client id, tube code, ID number, person id) in batches of `size`, ten to a tube. With batches
    smaller than a tube, consecutive records go to different tubes (a tube fills over the run, as one
    terminal's would), so requests in flight at once do not all wait on one tube's lock."""
    tubes = max(1, len(people) // POOL)
    records = []
    for i, (person_id, id_number) in enumerate(people):
        tube = i // POOL if size >= POOL else i % tubes
        records.append((f"{tag}-{i}", f"{tag.upper()}T{tube:07d}", id_number, person_id))
    return [records[k:k + size] for k in range(0, len(records), size)]


def encode(batches, round_id: int, site_id: int, token: str, port: int) -> list[bytes]:
    path = f"/api/v1/testing/rounds/{round_id}/sites/{site_id}/samples"
    requests = []
    for batch in batches:
        body = json.dumps({"records": [{"client_id": c, "tube_code": t, "id_number": n} for c, t, n, _p in batch]},
                          separators=(",", ":")).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        requests.append(head + body)
    return requests


async def send_all(port: int, requests: list[bytes], connections: int):
    """Every request once, `connections` at a time over keep-alive connections; the answers' statuses and the
    client ids acknowledged (accepted or duplicate)."""
    queue = list(reversed(requests))
    statuses, acknowledged, counts = {}, [], {"accepted": 0, "duplicate": 0, "rejected": 0}

    async def connection():
        reader = writer = None
        while queue:
            request = queue.pop()
            for _attempt in range(3):
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                try:
                    status_line = await reader.readline()
                    if not status_line:
                        raise ConnectionError
                    length, close = 0, False
                    while (line := await reader.readline()) not in (b"\r\n", b""):
                        name, _, value = line.decode("latin-1").partition(":")
                        if name.lower() == "content-length":
                            length = int(value)
                        elif name.lower() == "connection" and value.strip().lower() == "close":
                            close = True
                    body = await reader.readexactly(length)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    reader = writer = None
                    continue
                break
            else:
                statuses["lost"] = statuses.get("lost", 0) + 1
                continue
            status = int(status_line.split()[1])
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                answer = json.loads(body)
                for result in answer["results"]:
                    counts[result["status"]] += 1
                    if result["status"] != "rejected":
                        acknowledged.append(result["client_id"])
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return statuses, acknowledged, counts


def raw_inserts(batches, round_id: int, site_id: int, collector_id: int) -> float:
    """The same tubes and samples written through psycopg on one connection, a transaction per batch: tubes
    (ON CONFLICT DO NOTHING, a tube may already be open), their ids, the samples (executemany), the tubes'
    counts. Nothing parsed, checked or looked up (the person ids are known)."""
    import psycopg
    from django.conf import settings
    from django.utils import timezone

    db = settings.DATABASES["default"]
    now = timezone.now()
    start = time.perf_counter()
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"],
                         password=db["PASSWORD"] or None) as conn:
        for batch in batches:
            with conn.transaction(), conn.cursor() as cursor:
                codes = sorted({t for _c, t, _n, _p in batch})
                cursor.executemany(
                    "INSERT INTO epidemic_tube (round_id, code, site_id, pool_size, samples_count, opened_at, result, "
                    "result_source) VALUES (%s, %s, %s, %s, 0, %s, '', '') ON CONFLICT DO NOTHING",
                    [(round_id, code, site_id, POOL, now) for code in codes])
                cursor.execute("SELECT code, id FROM epidemic_tube WHERE round_id = %s AND code = ANY(%s)", [round_id, codes])
                tube_ids = dict(cursor.fetchall())
                cursor.executemany(
                    "INSERT INTO epidemic_sample (round_id, tube_id, person_id, kind, client_id, site_id, collector_id, "
                    "collected_at, received_at) VALUES (%s, %s, %s, 'routine', %s, %s, %s, %s, %s)",
                    [(round_id, tube_ids[t], p, c, site_id, collector_id, now, now) for c, t, _n, p in batch])
                counts = {}
                for _c, t, _n, _p in batch:
                    counts[tube_ids[t]] = counts.get(tube_ids[t], 0) + 1
                cursor.executemany("UPDATE epidemic_tube SET samples_count = samples_count + %s WHERE id = %s",
                                   [(n, pk) for pk, n in counts.items()])
    return time.perf_counter() - start


def profile(people, site, commander) -> None:
    import cProfile
    import pstats

    from frontline.epidemic.registration import samples_register

    testing_round = new_round("profile", site)
    batches = rows_for(people[:5000], 100, f"p{testing_round.pk}")
    records = [[{"client_id": c, "tube_code": t, "id_number": n} for c, t, n, _p in batch] for batch in batches]
    for batch in records[:5]:  # warm
        samples_register(actor=commander, testing_round=testing_round, site=site, records=batch)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for batch in records[5:]:
        samples_register(actor=commander, testing_round=testing_round, site=site, records=batch)
    profiler.disable()
    took = time.perf_counter() - start
    print(f"service alone, profiled: {len(records[5:]) * 100 / took:,.0f} samples/s")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main():
    args = arguments()
    env = {**os.environ, **open_city(args), "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("REDIS_URL", None)
    from django.db import connection

    from frontline.areas.models import Area, Site
    from frontline.core.models import ApiToken, User
    from frontline.epidemic.models import Sample, Tube
    from frontline.people.models import Person

    commander = User.objects.get(username="commander")
    community = Area.objects.filter(level="community").order_by("path").first()
    site, _ = Site.objects.get_or_create(kind="testing", name="压测采样点", area=community)
    people = list(Person.objects.filter(id_number__isnull=False).order_by("id").values_list("id", "id_number")
                  [:max(args.samples) + 200])
    if len(people) < max(args.samples) + 200:
        raise SystemExit(f"the city has {len(people):,} people with an ID number: fewer than the samples asked")
    if args.profile:
        profile(people, site, commander)
        return
    _row, token = ApiToken.issue(user=commander, name="bench terminal", purpose="samples:write")
    connection.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "frontline.cli", "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(600):  # the server is starting (collectstatic, then gunicorn)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start within two minutes")
        warm = new_round("warm-up", site)
        warm_requests = encode(rows_for(people[-200:], 10, f"w{warm.pk}"), warm.pk, site.pk, token, port)
        statuses, _ack, _counts = asyncio.run(send_all(port, warm_requests, args.connections))
        if set(statuses) != {200}:
            raise SystemExit(f"the warm-up answered {statuses}")
        print(f"database: postgresql  residents: {args.residents:,}  server: frontline serve (defaults)  "
              f"connections: {args.connections}  load average: {os.getloadavg()[0]:.1f}")
        print(f"{'batch':>6}{'samples':>9}{'requests':>10}{'req/s':>9}{'samples/s':>11}{'raw/s':>10}{'ratio':>7}"
              f"{'gen CPU':>9}{'server CPU':>12}{'db CPU':>8}{'CPU ms/sample':>15}{'2-core cap.':>13}{'acked':>8}"
              f"{'missing':>9}")
        retries_ok = True
        for size, total in zip(args.batches, args.samples, strict=True):
            testing_round = new_round(f"b{size}", site)
            batches = rows_for(people[:total], size, f"b{size}r{testing_round.pk}")
            requests = encode(batches, testing_round.pk, site.pk, token, port)
            tree = process_tree(server.pid)
            connection.close()  # the bench's own backend stays out of the count
            server_cpu, generator = cpu_seconds(tree), resource.getrusage(resource.RUSAGE_SELF)
            with DatabaseCPU(connection.settings_dict["NAME"]) as database:
                start = time.perf_counter()
                statuses, acknowledged, counts = asyncio.run(send_all(port, requests, args.connections))
                took = time.perf_counter() - start
            used = resource.getrusage(resource.RUSAGE_SELF)
            generator_cpu = used.ru_utime + used.ru_stime - generator.ru_utime - generator.ru_stime
            server_cpu = cpu_seconds(tree) - server_cpu
            database_cpu = database.used
            connection.ensure_connection()
            per_sample = (server_cpu + database_cpu) / max(1, counts["accepted"])
            found = Sample.objects.filter(round=testing_round, client_id__in=acknowledged).count()
            raw_round = new_round(f"raw b{size}", site)
            raw_took = raw_inserts(rows_for(people[:total], size, f"x{raw_round.pk}"), raw_round.pk, site.pk, commander.pk)
            print(f"{size:>6}{total:>9,}{len(requests):>10,}{len(requests) / took:>9.0f}{counts['accepted'] / took:>11,.0f}"
                  f"{total / raw_took:>10,.0f}{raw_took / took:>7.2f}{generator_cpu / took:>8.0%}"
                  f"{server_cpu / took:>11.0%}{database_cpu / took:>8.0%}{per_sample * 1000:>15.2f}{2 / per_sample:>13,.0f}"
                  f"{len(acknowledged):>8,}{len(acknowledged) - found:>9,}")
            if set(statuses) != {200} or counts["rejected"]:
                print(f"       answers: {statuses}, records: {counts}")
            # Retries in flight at once (the same uploads twice over, concurrently): duplicates only, nothing doubled.
            again = requests[:50] * 2
            statuses, _ack, retried = asyncio.run(send_all(port, again, args.connections))
            in_tubes = sum(Tube.objects.filter(round=testing_round).values_list("samples_count", flat=True))
            stored = Sample.objects.filter(round=testing_round).count()
            if retried["accepted"] or retried["rejected"] or stored != counts["accepted"] or in_tubes != stored:
                print(f"       RETRIES COUNTED: {retried}, {stored:,} samples stored, {in_tubes:,} in the tubes' counts, "
                      f"{counts['accepted']:,} accepted")
            retries_ok = retries_ok and set(statuses) == {200}
        print("CPU is of one core (200% = both): the generator's, gunicorn's processes', the server's PostgreSQL "
              "backends'; CPU ms/sample = (gunicorn + backends) CPU per accepted sample, 2-core cap. = the samples a "
              "second that CPU allows on two free cores (the machine is shared: wall-clock rates fall with its "
              "load); ratio = raw time / Frontline time; missing = acknowledged client ids not in the database "
              "(must be 0)")
        print("each run's first 50 uploads sent again, twice over at once: "
              + ("all duplicates, nothing counted twice" if retries_ok else "SOME RETRIES FAILED (see above)"))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
