"""The flow through the checkpoints: a site's day hour by hour, an area's day site by site, and the rows of the
`checkpoint_scans` and `checkpoint_stops` figures. Every read names its day(s), so PostgreSQL reads only those
days' partitions.

In, out and stops split a day's scans in three: a passed in-scan, a passed out-scan, a refused scan (either way;
the person did not pass). Their sum is the `checkpoint_scans` figure; stops are the `checkpoint_stops` figure.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind

from .models import CheckpointScan, Direction

CHECKPOINT_KINDS = (SiteKind.CHECKPOINT, SiteKind.TRAFFIC_POINT)
_IN = Count("pk", filter=Q(passed=True, direction=Direction.IN))
_OUT = Count("pk", filter=Q(passed=True, direction=Direction.OUT))
_STOPS = Count("pk", filter=Q(passed=False))


@dataclass
class Flow:
    ins: int = 0
    outs: int = 0
    stops: int = 0

    @property
    def scans(self) -> int:
        return self.ins + self.outs + self.stops


@dataclass
class HourFlow(Flow):
    hour: int = 0


@dataclass
class SiteFlow(Flow):
    site: Site | None = None


def scan_rows(at=None):
    """The `checkpoint_scans` figure's rows (a flow: `at` is unused)."""
    return CheckpointScan.objects.all()


def stop_rows(at=None):
    """The `checkpoint_stops` figure's rows: refused scans."""
    return CheckpointScan.objects.filter(passed=False)


def checkpoint_flow(site: Site, day: datetime.date) -> list[HourFlow]:
    """In, out and stops at a checkpoint site for each hour 0..23 of a local day (hours without a scan are
    zeros). One query over that day's partition, through the (site, scanned_at) index. The caller fetched the
    site through the actor's scope (`view_scans`)."""
    hours = [HourFlow(hour=h) for h in range(24)]
    rows = (CheckpointScan.objects.filter(day=day, site_id=site.pk)
            .annotate(h=ExtractHour("scanned_at", tzinfo=timezone.get_current_timezone()))
            .values("h").annotate(ins=_IN, outs=_OUT, stops=_STOPS).order_by())
    for row in rows:
        hours[row["h"]] = HourFlow(hour=row["h"], ins=row["ins"], outs=row["outs"], stops=row["stops"])
    return hours


def checkpoint_sites(area: Area, day: datetime.date, also=()):
    """Checkpoint sites (compound gates and traffic points) under an area open on that day, and the sites of
    `also` (ids), in the area's order."""
    open_then = (Q(kind__in=CHECKPOINT_KINDS) & (Q(opened_on__isnull=True) | Q(opened_on__lte=day))
                 & (Q(closed_on__isnull=True) | Q(closed_on__gte=day)))
    return (Site.objects.filter(area__path__startswith=area.path).filter(open_then | Q(pk__in=list(also)))
            .order_by("area__path", "name", "pk"))


def checkpoint_flow_of_area(area: Area, day: datetime.date) -> list[SiteFlow]:
    """In, out and stops of each checkpoint site under an area over a local day (an open site without a scan
    shows zeros; a closed one that has scans that day shows too). Two queries. The caller fetched the area
    through the actor's scope (`view_scans`)."""
    counts = {row["site_id"]: row for row in
              CheckpointScan.objects.filter(day=day, site__area__path__startswith=area.path)
              .values("site_id").annotate(ins=_IN, outs=_OUT, stops=_STOPS).order_by()}
    return [SiteFlow(site=site, ins=counts.get(site.pk, {}).get("ins", 0), outs=counts.get(site.pk, {}).get("outs", 0),
                     stops=counts.get(site.pk, {}).get("stops", 0))
            for site in checkpoint_sites(area, day, also=counts)]
