"""The access matrix's entries for custody (tests/test_every_route.py), and the helpers the custody tests share:
the demo round and its site, tubes with samples inserted as rows, a bag filled and sealed, a round elsewhere."""

import datetime
from types import SimpleNamespace

from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Area, AreaLevel, Site
from frontline.core import policy
from frontline.epidemic.custody import bag_seal, bag_tubes_add, custody_rounds
from frontline.epidemic.models import Bag, Handover, Laboratory, RoundSite, TestingRound, Tube
from frontline.epidemic.policy import HANDOVER_BAGS, REGISTER_SAMPLES, VIEW_TESTING
from frontline.epidemic.rounds import testing_round_create


def demo_round(city):
    """The demo's round over the secretary's community, its testing site and laboratory."""
    testing_round = TestingRound.objects.filter(round_areas__area=city.community).order_by("-id").first()
    site = RoundSite.objects.filter(round=testing_round).order_by("id").first().site
    return SimpleNamespace(round=testing_round, site=site, lab=Laboratory.objects.get(name="市第一检测中心"))


def round_elsewhere(area: Area, name="外区全员核酸检测"):
    """A round over the first community of `area`, with a testing site of its own."""
    community = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=area.path).order_by("path").first()
    site = Site.objects.create(kind="testing", name=f"{community.name}采样点（交接）", area=community)
    start = timezone.now() - datetime.timedelta(hours=2)
    testing_round = testing_round_create(actor=None, name=name, areas=[community], starts_at=start,
                                         ends_at=start + datetime.timedelta(days=2), pool_size=10,
                                         sites=[(site, start, start + datetime.timedelta(days=2))])
    return SimpleNamespace(round=testing_round, site=site)


def tubes_make(testing_round, site, codes, samples=3, collector=None):
    """Tubes inserted as rows (registration is another part's), each with `samples` samples counted."""
    now = timezone.now()
    return [Tube.objects.create(round=testing_round, code=code, site=site, pool_size=testing_round.pool_size,
                                samples_count=samples, collector=collector, opened_at=now) for code in codes]


def bag_sealed(actor, testing_round, site, bag_code, tube_codes, laboratory=None):
    bag, _added = bag_tubes_add(actor=actor, testing_round=testing_round, bag_code=bag_code, tube_codes=tube_codes,
                                site=site)
    return bag_seal(actor=actor, testing_round=testing_round, bag_code=bag.code, laboratory=laboratory)


# --- the access matrix ---------------------------------------------------------------------------------------

def _sees_round(user, testing_round) -> bool:
    return TestingRound.objects.restrict(user, VIEW_TESTING).filter(pk=testing_round.pk).exists()


def _hands_over_in(user, testing_round) -> bool:
    return custody_rounds(user, open_only=False).filter(pk=testing_round.pk).exists()


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj

    def bag_kwargs(o, where, user):
        return {"code": o[where].custody_bag.code}

    pages = {
        "bag_desk": Route(HANDOVER_BAGS, outside=False),
        "bag_scan": Route(HANDOVER_BAGS, target=_obj("custody_round"), method="post",
                          data=lambda o, w: {"round": o[w].custody_round.pk, "code": o[w].custody_bag.code},
                          visible=_hands_over_in),
        "round_custody": Route(VIEW_TESTING, lambda o, where, user: {"pk": o[where].custody_round.pk},
                               _obj("custody_round"), visible=_sees_round),
        "tube_detail": Route(VIEW_TESTING, matrix._by_pk("custody_tube"), _obj("custody_tube")),
    }
    api = {
        # Sealing is for those who collect at the bag's site: the transporter and the laboratory may not.
        ("post", "/api/v1/testing/bags/{code}/seal"): Route(
            HANDOVER_BAGS, bag_kwargs, _obj("custody_open_bag"), method="post", api=True,
            data=lambda o, w: {"round": o[w].custody_round.pk, "tube_codes": [o[w].custody_loose_tube.code]},
            may=lambda user, bag: policy.allows(user, REGISTER_SAMPLES, bag)),
        ("post", "/api/v1/testing/bags/{code}/handovers"): Route(
            HANDOVER_BAGS, bag_kwargs, _obj("custody_bag"), method="post", api=True,
            data=lambda o, w: {"round": o[w].custody_round.pk, "stage": "picked_up",
                               "tube_codes": [o[w].custody_tube.code]}),
    }
    return pages, api


def place(o, city):
    """Inside: the demo round at its site, a sealed bag for the demo laboratory with one tube, an open bag
    (same code path as the seal probe uses) and a loose tube; outside: the same in a round of another district."""
    demo = demo_round(city)
    far = round_elsewhere(city.other_district)
    for here, testing_round, site, lab, prefix in ((o.inside, demo.round, demo.site, demo.lab, "IN"),
                                                   (o.outside, far.round, far.site, demo.lab, "OUT")):
        tube, loose = tubes_make(testing_round, site, [f"{prefix}-PROBE-1", f"{prefix}-PROBE-2"])
        here.custody_round, here.custody_tube, here.custody_loose_tube = testing_round, tube, loose
        here.custody_bag = bag_sealed(None, testing_round, site, f"{prefix}-BAG-1", [tube.code], laboratory=lab)
        here.custody_open_bag = here.custody_bag


def fingerprint():
    """What a refused custody write must not change."""
    return (Bag.objects.count(), Bag.objects.filter(sealed_at__isnull=False).count(), Handover.objects.count(),
            Tube.objects.filter(bag__isnull=False).count(), Tube.objects.filter(laboratory__isnull=False).count(),
            tuple(Bag.objects.values_list("laboratory").annotate(n=Count("id")).order_by("laboratory")))
