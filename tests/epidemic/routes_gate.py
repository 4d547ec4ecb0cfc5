"""The access matrix's entries for the checkpoints' pages (see tests/test_every_route.py): inside is the demo gate
(the `gate` account's duty, in the demo grid), outside a checkpoint in another district's community with its own
staff. A checkpoint is the viewer's where the policy lets them do the page's action there: a desk by place, the
staff at the site of their duty."""

from django.utils import timezone

from frontline.areas.models import Site
from frontline.epidemic.gate import checkpoint_sites
from frontline.epidemic.models import CheckpointPost, CheckpointScan
from frontline.epidemic.policy import MANAGE_CHECKPOINTS, RECORD_SCANS, VIEW_SCANS


def _can(action):
    return lambda user, site: checkpoint_sites(user, action).filter(pk=site.pk).exists()


def _scan(o, where):
    resident = o[where].person
    return {"client_id": f"probe-{where}-{timezone.now().timestamp()}", "person": resident.id_number,
            "direction": "in", "code_colour": "green", "temperature": "36.5"}


def entries(matrix):
    Route, by_pk, obj = matrix.Route, matrix._by_pk, matrix._obj
    pages = {
        "checkpoint_list": Route(VIEW_SCANS, outside=False),
        "checkpoint_new": Route(MANAGE_CHECKPOINTS, outside=False),
        "gate_scan_home": Route(RECORD_SCANS, outside=False),
        "checkpoint_detail": Route(VIEW_SCANS, by_pk("checkpoint"), obj("checkpoint"), visible=_can(VIEW_SCANS)),
        "gate_scan": Route(RECORD_SCANS, by_pk("checkpoint"), obj("checkpoint"), visible=_can(RECORD_SCANS)),
        "gate_scan_record": Route(RECORD_SCANS, by_pk("checkpoint"), obj("checkpoint"), method="post", data=_scan,
                                  visible=_can(RECORD_SCANS)),
        "checkpoint_post_new": Route(MANAGE_CHECKPOINTS, by_pk("checkpoint"), obj("checkpoint"), method="post",
                                     data=lambda o, w: {"user": o[w].account.pk}, visible=_can(VIEW_SCANS)),
        "checkpoint_post_end": Route(MANAGE_CHECKPOINTS, lambda o, where, user: {
            "pk": o[where].checkpoint.pk, "post_pk": o[where].checkpoint_post.pk}, obj("checkpoint"), method="post",
            visible=_can(VIEW_SCANS)),
    }
    return pages, {}


def place(o, city):
    """Inside: the demo gate and the `gate` account's duty there; outside: a compound gate in the far probe
    grid, its grid worker on duty at it."""
    from frontline.epidemic.checkpoints import checkpoint_post_add

    o.inside.checkpoint_post = CheckpointPost.objects.select_related("site").get(user__username="gate",
                                                                                ended_at__isnull=True)
    o.inside.checkpoint = o.inside.checkpoint_post.site
    o.outside.checkpoint = Site.objects.create(kind="checkpoint", name="外区小区北门卡口", area=o.outside.grid)
    o.outside.checkpoint_post = checkpoint_post_add(actor=None, site=o.outside.checkpoint, user=o.outside.account)


def fingerprint():
    return (CheckpointScan.objects.count(), CheckpointPost.objects.filter(ended_at__isnull=True).count(),
            Site.objects.count())
