"""The demo's entrance checks: today at the demo gate, a few hundred residents of its grid going out and coming
back through the day, checked by the `gate` account through the scan service (in batches, as a kiosk's buffer
would arrive), with two of them stopped — a red health code and a temperature of 37.5 °C — so that the `grid`
account's inbox has their alerts. Once a day (the client ids are the day's: run again, nothing counts twice)."""

import datetime
import random

from django.utils import timezone

from frontline.core.models import User

DEMO_GATE_PEOPLE = 300
DEMO_GATE_BATCH = 200
DEMO_GATE_SEED = 11


def _window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Today from 06:00 (or from midnight, early in the morning) until a minute ago: scans are never ahead."""
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time(0)))
    start = midnight + datetime.timedelta(hours=6)
    if start > now - datetime.timedelta(hours=1):
        start = midnight
    return start, now - datetime.timedelta(minutes=1)


def demo_gate_create(now: datetime.datetime | None = None) -> int:
    """Record today's checks at the demo gate; returns how many were stored (0 when done before today)."""
    from frontline.epidemic.models import CheckpointPost, CheckpointScan
    from frontline.epidemic.scans import scans_record
    from frontline.epidemic.sealed import people_in_sealed_zones
    from frontline.people.models import Resident

    now = now or timezone.now()
    staff = User.objects.filter(username="gate").first()
    post = (CheckpointPost.objects.filter(user=staff, ended_at__isnull=True).select_related("site", "site__area")
            .order_by("id").first()) if staff else None
    if post is None:
        return 0
    site, day = post.site, timezone.localdate(now)
    if CheckpointScan.objects.filter(site=site, day=day).exists():
        return 0
    residents = list(Resident.objects.filter(household__building__area=site.area, moved_out__isnull=True,
                                             person__id_number__isnull=False)
                     .order_by("id").values_list("person_id", "person__id_number")[:DEMO_GATE_PEOPLE * 2])
    sealed = people_in_sealed_zones([pk for pk, _number in residents], now)  # their stops would be another story
    people = [number for pk, number in residents if pk not in sealed][:DEMO_GATE_PEOPLE]
    if len(people) < 3:
        return 0
    start, end = _window(now)
    span = max(60, int((end - start).total_seconds()))
    rng = random.Random(DEMO_GATE_SEED)
    rows = []

    def row(n: int, number: str, direction: str, at: datetime.datetime, colour="green", temperature=None) -> dict:
        return {"client_id": f"demo-gate-{day:%Y%m%d}-{n}", "person": number, "direction": direction,
                "code_colour": colour, "itinerary_flag": False, "scanned_at": at,
                "temperature": temperature or f"{rng.choice(range(360, 370)) / 10:.1f}"}

    red, fever, *crowd = people
    for i, number in enumerate(crowd):  # out in the morning, back later; some still out
        leaves = start + datetime.timedelta(seconds=rng.randrange(span))
        rows.append(row(2 * i, number, "out", leaves))
        back = leaves + datetime.timedelta(seconds=rng.randrange(1800, 6 * 3600))
        if back < end and rng.random() < 0.8:
            rows.append(row(2 * i + 1, number, "in", back))
    middle = start + (end - start) / 2
    rows.append(row(10 ** 6, red, "in", middle, colour="red"))
    rows.append(row(10 ** 6 + 1, fever, "in", middle + datetime.timedelta(minutes=7), temperature="37.5"))
    rows.sort(key=lambda r: r["scanned_at"])
    stored = 0
    for i in range(0, len(rows), DEMO_GATE_BATCH):
        verdicts = scans_record(actor=staff, site=site, rows=rows[i:i + DEMO_GATE_BATCH], source="kiosk", now=now)
        stored += sum(1 for v in verdicts if v.status == "stored")
    return stored
