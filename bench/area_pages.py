"""Benchmark: the commander's city and district pages over HTTP against the same figures in hand-written SQL.

    .venv/bin/python bench/area_pages.py --residents 1000000 [--database sqlite|postgresql] [--keep]

Uses (or generates) the city of bench/scoped_reads.py (/tmp/frontline-bench-reads-<db>-<N>; with --keep
it stays for the next run), serves it with `frontline serve` (gunicorn, one worker) on 127.0.0.1, logs in
as the commander and times the area pages warm (median of 10 GETs each, whole HTTP round trips). The raw
side counts the same stock figures the page shows (households, residents, party members, households with
a contact member, residents with special needs) under each child area, straight from the base tables
through the driver (median of 5). Ratio = raw time / page time: above 2 means the page takes at most half
the time of the hand-written counts. Also printed: the page's SQL queries (they must not grow with the
city) and the time one write takes to show (a resident moving out, then the city page).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.city import arguments, median_time, open_city  # noqa: E402

JOIN_HOUSEHOLD = "JOIN areas_household h ON h.id = t.household_id JOIN areas_building b ON b.id = h.building_id"
RAW_FIGURES = {
    "households": ("areas_household t JOIN areas_building b ON b.id = t.building_id JOIN areas_area a ON a.id = b.area_id",
                   ""),
    "residents": (f"people_resident t {JOIN_HOUSEHOLD} JOIN areas_area a ON a.id = b.area_id", "AND t.moved_out IS NULL"),
    "party_members": ("people_partymember t JOIN people_partyorg o ON o.id = t.org_id JOIN areas_area a ON a.id = o.area_id",
                      "AND t.left_on IS NULL"),
    "contacted_households": ("grid_contacthousehold c JOIN areas_household t ON t.id = c.household_id "
                             "JOIN areas_building b ON b.id = t.building_id JOIN areas_area a ON a.id = b.area_id",
                             "AND c.ended_on IS NULL"),
    "special_need_residents": (f"people_resident t {JOIN_HOUSEHOLD} JOIN areas_area a ON a.id = b.area_id",
                               "AND t.moved_out IS NULL AND EXISTS (SELECT 1 FROM grid_specialneed n "
                               "WHERE n.person_id = t.person_id AND n.resolved_on IS NULL)"),
}
COUNTS_SQL = "SELECT substr(a.path, 1, {len}) AS k, count(*) FROM {source} WHERE a.path LIKE %s {extra} GROUP BY k"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    args = arguments(__doc__)
    env = {**os.environ, **open_city(args), "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("REDIS_URL", None)
    from django.db import connection

    from frontline.demo.accounts import DEMO_PASSWORD

    connection.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "frontline.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--threads", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = login(base, "commander", DEMO_PASSWORD)
        run(args, base, opener)
    finally:
        server.terminate()
        server.wait(timeout=30)


def login(base: str, username: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    for _ in range(300):  # the server is starting (collectstatic, then gunicorn)
        try:
            page = opener.open(f"{base}/login/", timeout=5).read().decode()
            break
        except urllib.error.HTTPError as e:
            raise SystemExit(f"the login page answered {e.code}") from None
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("the server did not start within a minute")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}), timeout=30)
    return opener


def run(args, base, opener) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontline.areas.models import Area
    from frontline.core.models import User
    from frontline.people.models import Resident
    from frontline.people.services import resident_move_out

    city = Area.objects.get_first_root_node()
    district = Area.objects.filter(level="district").order_by("path").first()
    placeholder = "%s" if connection.vendor == "postgresql" else "?"

    def raw_counts(area):
        """The page's figures under each child, in plain SQL on the driver's own connection."""
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        length = (area.depth + 1) * Area.steplen
        totals = {}
        for code, (source, extra) in RAW_FIGURES.items():
            cursor.execute(COUNTS_SQL.format(len=length, source=source, extra=extra).replace("%s", placeholder),
                           [area.path + "%"])
            totals[code] = sum(n for _k, n in cursor.fetchall())
        return totals

    def page(area):
        body = opener.open(f"{base}/areas/{area.pk}/", timeout=120).read().decode()
        return {code: int(re.search(rf'data-testid="total-{code}">(\d+)<', body).group(1)) for code in RAW_FIGURES}

    commander = User.objects.get(username="commander")
    client = Client()
    client.force_login(commander)
    print(f"database: {args.database}  residents: {args.residents:,}")
    print(f"{'page (commander)':<24}{'frontline':>12}{'raw SQL':>12}{'ratio':>8}{'queries':>9}")
    for label, area in [("city", city), ("district", district)]:
        for _ in range(3):
            page(area)  # warm: connections, caches, the kept figures
        p_s, shown = median_time(lambda area=area: page(area), 10)
        r_s, counted = median_time(lambda area=area: raw_counts(area), 5)
        assert shown == counted, f"the {label} page shows {shown}, the raw SQL counts {counted}"
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/areas/{area.pk}/", HTTP_HOST="127.0.0.1")
        print(f"{label:<24}{p_s * 1000:>10.1f}ms{r_s * 1000:>10.1f}ms{r_s / p_s:>8.2f}{len(queries):>9}")

    # A write shows at once: the city page right after a resident moves out (the kept figures recount one grid).
    resident = Resident.objects.filter(moved_out__isnull=True).select_related("person").order_by("id").first()
    before = page(city)["residents"]
    resident_move_out(actor=commander, resident=resident, moved_out=resident.moved_in)
    start = time.perf_counter()
    after = page(city)["residents"]
    took = time.perf_counter() - start
    assert after == before - 1, (before, after)
    print(f"{'city page after a write':<24}{took * 1000:>10.1f}ms  (residents {before:,} -> {after:,})")
    resident.moved_out = None
    resident.save(update_fields=["moved_out"])  # put the city back as it was


if __name__ == "__main__":
    main()
