"""The access matrix's entries for the scanners' and kiosks' API (frontline.epidemic.scans_api): the demo
gate's checkpoint inside (where the `gate` account is posted), a checkpoint in another district outside."""

from frontline.areas.models import Site, SiteKind
from frontline.epidemic import models as epidemic
from frontline.epidemic.policy import RECORD_SCANS
from frontline.epidemic.scans import scan_site_allowed


def _record(o, where):
    return {"records": [{"client_id": f"probe-{where}", "person": o[where].person.id_number, "direction": "in",
                         "code_colour": "green", "temperature": 36.6}]}


def entries(matrix):
    Route = matrix.Route
    api = {
        ("post", "/api/v1/checkpoints/{site_id}/scans"): Route(
            RECORD_SCANS, lambda o, w, u: {"site_id": o[w].scan_site.pk}, lambda o, w: o[w].scan_site, method="post",
            data=_record, visible=scan_site_allowed),
    }
    return {}, api


def place(o, city):
    """Inside: the demo gate's checkpoint; outside: a checkpoint at a grid of the other district."""
    o.inside.scan_site = epidemic.CheckpointPost.objects.get(user__username="gate", ended_at__isnull=True).site
    o.outside.scan_site = Site.objects.create(kind=SiteKind.CHECKPOINT, name="外区卡口", area=o.outside.grid)


def fingerprint():
    return (epidemic.CheckpointScan.objects.count(),)
