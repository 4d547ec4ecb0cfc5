"""Bench 6: the public resident page's order form (`POST /r/<code>/order/`) under load, served as in production,
beside a bare handler of the same stack that only inserts the same rows; then the rate limit at its defaults.

    FRONTLINE_BENCH_TAG=_orders .venv/bin/python bench/resident_page.py [--database postgresql|sqlite]
        [--residents 20000] [--requests 3000] [--seconds 60] [--connections 8] [--limited 40] [--keep] [--dry-run]

Loopback only, bounded: every wrk run stops when each of its pre-encoded forms has been answered once (at most
`--connections` more in flight) or after `--seconds`, whichever comes first.

Uses (or generates) bench/city.py's city, creates the demo catalogue and a `ResidentPage` for every grid (code
`bench<grid id>`), and pre-encodes `--requests` order forms for the page and as many for the bare handler, each
for a different household (building id, unit when it has one, room, a phone of its own, two orderable items of the
catalogue) with Django's standard CSRF pair (the `csrftoken` cookie and the form's `csrfmiddlewaretoken`, read from
the page once: one pair serves every request, as one browser's does). If the page's form carries a one-time `nonce`
field, one is fetched from the page for each form beforehand (`--requests` GETs, not timed).

1. `frontline serve` (gunicorn, its default workers and threads, DEBUG off, production settings; the
   resident page's limits FRONTLINE_RESIDENT_PAGE_PER_ADDRESS / _PER_PHONE raised to 10^9 in the server's
   environment), loaded by `wrk -t1 -c<connections>` with the page's forms: requests/s, latency p50/p90/p99, the
   share of 200 answers, and the orders found in the database (must equal the 200s).
2. The bare handler (bench/page_bare: the same settings, middleware with CSRF, gunicorn; one view mounted just
   before serving residents' URLs that resolves the household in one query and inserts the same order, lines,
   audit row and `order_check` work order with its event and audit row, in one transaction; no rate limit, no
   checks) under the same load with its own forms: requests/s and latency, and the ratio page / bare.
3. The server restarted with the default limits, the cache (where the counts live) cleared, and `--limited`
   forms from one address (loopback) and one phone sent by wrk: 200s must be at most the smaller limit, the rest
   429, and the database must hold exactly the accepted orders.

The page itself belongs to another part (URL contract: GET `/r/<code>/` resident_page; POST `/r/<code>/order/`
resident_order: 200 with the receipt, 400 on bad input, 429 when rate-limited). Where it is missing (GET answers
404) the page's runs are skipped and said so; the bare handler still runs. `--dry-run` builds the data and the forms
and stops.
"""

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FRONTLINE_BENCH_TAG", "_orders")

from bench.city import open_city  # noqa: E402

HIGH = str(10**9)
REDIS = "redis://127.0.0.1:6379/15"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=3_000, help="forms sent to the page (and as many to the bare)")
    parser.add_argument("--seconds", type=int, default=60, help="the most a load run lasts")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--limited", type=int, default=40, help="forms sent from one address and phone at default limits")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated database")
    parser.add_argument("--dry-run", action="store_true", help="build the pages and the forms, send nothing")
    parser.add_argument("--cache", choices=["redis", "database"], default="redis",
                        help="the server's shared cache: Redis as in production (127.0.0.1:6379, db 15, emptied "
                             "first), or the embedded default's database")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "frontline.cli", "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the server stopped while starting") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within two minutes")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk(port: int, forms: Path, cookie: str, seconds: int, connections: int) -> dict:
    """wrk over the forms, stopped (SIGINT: it then reports as usual) as soon as its thread has had every form
    answered, or after `seconds`."""
    marker = forms.with_suffix(".done")
    marker.unlink(missing_ok=True)
    load = subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s",
                             str(ROOT / "bench" / "page_wrk.lua"), f"http://127.0.0.1:{port}", "--", str(forms), cookie,
                             "1", str(marker)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + seconds + 5
    while load.poll() is None and not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if load.poll() is None:
        load.send_signal(signal.SIGINT)
    out, err = load.communicate(timeout=60)
    found = next((x for x in out.splitlines() if x.startswith("WRK ")), None)
    if found is None:
        raise SystemExit(f"wrk reported nothing: {err.strip()[:300]}")
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", found)}


class Browser:
    """One resident's browser: a cookie jar, GETs of the page for its CSRF pair (and nonce, if any)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def field(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
    return found.group(1) if found else None


def write_forms(path: Path, forms: list[dict], prefix: str, token: str, nonces: list[str] | None = None) -> None:
    with path.open("w") as out:
        for k, form in enumerate(forms):
            body = {"csrfmiddlewaretoken": token, **{f: v for f, v in form.items() if f != "code"}}
            if nonces:
                body["nonce"] = nonces[k % len(nonces)]
            out.write(f"{prefix}/r/{form['code']}/order/ {urllib.parse.urlencode(body)}\n")


def setup_pages(args, rng):
    """A resident page for every grid, and the households to order for (shuffled)."""
    from frontline.areas.models import Area, AreaLevel, Household
    from frontline.care.models import ResidentPage
    from frontline.demo.care import demo_catalogue_create

    items = [i for i in demo_catalogue_create().values() if i.orderable and i.category != "medicine"]
    existing = set(ResidentPage.objects.values_list("area_id", flat=True))
    ResidentPage.objects.bulk_create([ResidentPage(area=grid, code=f"bench{grid.pk}", hotline="13800000000")
                                      for grid in Area.objects.filter(level=AreaLevel.GRID).exclude(pk__in=existing)])
    codes = dict(ResidentPage.objects.values_list("area_id", "code"))
    homes = list(Household.objects.order_by("id").values_list("building_id", "building__area_id", "unit", "room"))
    rng.shuffle(homes)
    return items, codes, homes


def form_for(home, codes, items, phone: str, rng) -> dict:
    building, grid, unit, room = home
    form = {"code": codes[grid], "building": building, "room": room, "phone": phone}
    if unit:
        form["unit"] = unit
    for item in rng.sample(items, 2):
        form[f"qty_{item.pk}"] = rng.randint(1, item.max_per_order)
    return form


def page_orders(since, phone: str | None = None) -> int:
    from django.db import connection

    from frontline.care.models import SupplyOrder

    connection.ensure_connection()
    rows = SupplyOrder.objects.filter(channel="page", placed_at__gte=since)
    if phone:
        rows = rows.filter(contact_phone=phone)
    n = rows.count()
    connection.close()
    return n


def line(label: str, f: dict) -> str:
    rate = f["requests"] / f["seconds"] if f["seconds"] else 0
    share = f["s200"] / f["requests"] if f["requests"] else 0
    return (f"{label:>22}{f['requests']:>9,.0f}{f['seconds']:>8.1f}{rate:>8,.0f}{f['p50ms']:>8.1f}{f['p90ms']:>8.1f}"
            f"{f['p99ms']:>8.1f}{share:>8.1%}{f['s400']:>6.0f}{f['s429']:>6.0f}{f['other']:>7.0f}{f['s403']:>7.0f}"
            f"{f['errors']:>7.0f}")  # spare: 403s of the requests asked for after the last form


def main():
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (scripts/setup --test installs it)")
    wall = time.perf_counter()
    city_env = open_city(args)
    env = {**os.environ, **city_env, "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    for name in ("REDIS_URL", "DEBUG", "FRONTLINE_RESIDENT_PAGE_PER_ADDRESS", "FRONTLINE_RESIDENT_PAGE_PER_PHONE"):
        env.pop(name, None)
    if args.cache == "redis":  # production: the rate limits' counters and the forms' one-time tokens in Redis
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        env.update({"REDIS_URL": REDIS, "FRONTLINE_TASK_RUNNER": "thread"})
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("createcachetable", verbosity=0)
    rng = random.Random(2022)
    items, codes, homes = setup_pages(args, rng)
    need = 2 * args.requests + args.limited + 8 * args.connections
    if len(homes) < need:
        print(f"note: {len(homes):,} households for {need:,} forms: some households order twice")
    run = int(time.time()) % 10**6
    page_forms = [form_for(homes[k % len(homes)], codes, items, f"13{(run * 7919 + k) % 10**9:09d}", rng)
                  for k in range(args.requests)]
    bare_forms = [form_for(homes[(args.requests + k) % len(homes)], codes, items, f"15{(run * 7919 + k) % 10**9:09d}", rng)
                  for k in range(args.requests)]
    warm = 4 * args.connections  # each server's first requests (workers loading views and templates): not timed
    warm_forms = [form_for(homes[(2 * args.requests + k) % len(homes)], codes, items, f"17{(run * 7919 + k) % 10**9:09d}",
                           rng) for k in range(2 * warm)]
    one_phone = f"18{run:09d}"[:11]
    first_grid = homes[0][1]  # the limited run: households of one grid, one phone, one address
    grid_homes = [h for h in homes if h[1] == first_grid]
    limited_forms = [form_for(grid_homes[k % len(grid_homes)], codes, items, one_phone, rng) for k in range(args.limited)]
    print(f"database: {args.database}  residents: {args.residents:,}  resident pages: {len(codes):,}  households: "
          f"{len(homes):,}  forms: {args.requests:,} page + {args.requests:,} bare + {args.limited} limited  "
          f"cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}")
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="frontline-page-bench-"))
    results, notes = {}, []
    try:
        # 1. The page, limits raised.
        port = free_port()
        server = serve({**env, "FRONTLINE_RESIDENT_PAGE_PER_ADDRESS": HIGH, "FRONTLINE_RESIDENT_PAGE_PER_PHONE": HIGH}, port)
        page_there = False
        try:
            browser = Browser(f"http://127.0.0.1:{port}")
            status, html = browser.get(f"/r/{page_forms[0]['code']}/")
            page_there = status == 200
            if not page_there:
                notes.append(f"the resident page is not on this branch (GET /r/{page_forms[0]['code']}/ answered {status}): "
                             "its runs are skipped, the bare handler's stands alone")
                status, html = browser.get("/login/")  # a CSRF pair for the bare handler: any form page gives one
            token = field(html, "csrfmiddlewaretoken")
            if token is None:
                raise SystemExit("no csrfmiddlewaretoken in the form page")
            nonces = None
            if page_there and field(html, "nonce") is not None:
                start = time.perf_counter()
                nonces = [field(browser.get(f"/r/{f['code']}/")[1], "nonce") for f in page_forms]
                notes.append(f"the form carries a one-time nonce: {len(nonces):,} fetched from the page beforehand "
                             f"({time.perf_counter() - start:.0f} s, not timed)")
            cookie = browser.cookie()
            write_forms(work / "page.txt", page_forms, "", token, nonces)
            write_forms(work / "bare.txt", bare_forms, "/bare", token)
            write_forms(work / "warm-bare.txt", warm_forms[warm:], "/bare", token)
            if page_there:
                write_forms(work / "warm-page.txt", warm_forms[:warm], "", token,
                            [field(browser.get(f"/r/{f['code']}/")[1], "nonce") for f in warm_forms[:warm]] if nonces else None)
            print(f"forms written to {work} (first: {(work / 'page.txt').read_text().splitlines()[0][:160]}…)")
            if args.dry_run:
                print("dry run: nothing sent")
                return
            if page_there:
                wrk(port, work / "warm-page.txt", cookie, args.seconds, args.connections)
                since = timezone.now()
                results["page"] = wrk(port, work / "page.txt", cookie, args.seconds, args.connections)
                results["page"]["stored"] = page_orders(since)
        finally:
            stop(server)
        # 2. The bare handler, the same stack.
        port = free_port()
        server = serve({**env, "DJANGO_SETTINGS_MODULE": "bench.page_bare.settings"}, port)
        try:
            wrk(port, work / "warm-bare.txt", cookie, args.seconds, args.connections)
            since = timezone.now()
            results["bare"] = wrk(port, work / "bare.txt", cookie, args.seconds, args.connections)
            results["bare"]["stored"] = page_orders(since)
        finally:
            stop(server)
        # 3. Default limits, one address, one phone.
        if page_there:
            connection.ensure_connection()
            cache.clear()  # the counts of the runs before: in the database (cache and rate counts), or in Redis
            from frontline.core.models import RateCount

            RateCount.objects.all().delete()
            if args.cache == "redis":
                import redis

                redis.Redis.from_url(REDIS).flushdb()
            connection.close()
            port = free_port()
            server = serve(env, port)
            try:
                browser = Browser(f"http://127.0.0.1:{port}")
                _status, html = browser.get(f"/r/{limited_forms[0]['code']}/")
                token = field(html, "csrfmiddlewaretoken")
                nonces = None
                if field(html, "nonce") is not None:
                    nonces = [field(browser.get(f"/r/{f['code']}/")[1], "nonce") for f in limited_forms]
                write_forms(work / "limited.txt", limited_forms, "", token, nonces)
                since = timezone.now()
                results["limited"] = wrk(port, work / "limited.txt", browser.cookie(), args.seconds,
                                         min(4, args.connections))
                results["limited"]["stored"] = page_orders(since, one_phone)
            finally:
                stop(server)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"server: frontline serve (defaults: 2 workers x 4 threads, DEBUG off, cache: {args.cache})  "
          f"load: wrk -t1 -c{args.connections} (each form once, at most {args.seconds} s)")
    print(f"{'':>22}{'requests':>9}{'s':>8}{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'200s':>8}{'400':>6}{'429':>6}"
          f"{'other':>7}{'spare':>7}{'errors':>7}")
    for key, label in (("page", "page, limits raised"), ("bare", "bare handler")):
        if key in results:
            print(line(label, results[key]))
    if "page" in results and "bare" in results:
        p, b = results["page"], results["bare"]
        print(f"{'ratio page / bare':>22}{(p['requests'] / p['seconds']) / (b['requests'] / b['seconds']):>25.2f}")
    for key in ("page", "bare"):
        if key in results:
            f = results[key]
            print(f"{key}: {f['s200']:,.0f} answered 200, {f['stored']:,} orders in the database "
                  + ("(the same)" if f["stored"] == f["s200"] else "(DIFFERENT)"))
    if "limited" in results:
        f = results["limited"]
        limit = min(settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS, settings.FRONTLINE_RESIDENT_PAGE_PER_PHONE)
        held = f["s200"] <= limit and f["s200"] + f["s429"] == f["requests"] and f["stored"] == f["s200"]
        print(line("default limits", f))
        print(f"default limits (per address {settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS}, per phone "
              f"{settings.FRONTLINE_RESIDENT_PAGE_PER_PHONE} in {settings.FRONTLINE_RESIDENT_PAGE_PERIOD} s), one address, "
              f"one phone: {f['requests']:.0f} sent, {f['s200']:.0f} answered 200, {f['s429']:.0f} answered 429, "
              f"{f['stored']} orders in the database: " + ("the limit holds" if held else "THE LIMIT DOES NOT HOLD"))
    for note in notes:
        print("note: " + note)
    print(f"whole run {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()
