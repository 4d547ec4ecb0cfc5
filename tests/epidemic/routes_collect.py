"""The access matrix's entries for the collector's screen, its upload and the residents' QR sheets (see
tests/test_every_route.py): a round's testing site is the collector's where the policy lets them register
samples there (their staffing's site; a desk's or grid worker's place)."""

import datetime

from django.utils import timezone

from frontline.areas.models import Site
from frontline.epidemic.models import RoundSite, RoundStaff, Sample, Tube
from frontline.epidemic.policy import REGISTER_SAMPLES
from frontline.epidemic.registration import round_sites_registering


def _registers(user, round_site) -> bool:
    return round_sites_registering(user).filter(allowed=True, pk=round_site.pk).exists()


def entries(matrix):
    Route, by_pk, obj = matrix.Route, matrix._by_pk, matrix._obj
    view_people = matrix.policy.VIEW_PEOPLE
    pages = {
        "collect": Route(REGISTER_SAMPLES, outside=False),
        "collect_site": Route(REGISTER_SAMPLES, by_pk("round_site"), obj("round_site"), visible=_registers),
        "collect_records": Route(REGISTER_SAMPLES, by_pk("round_site"), obj("round_site"), method="post",
                                 visible=_registers),
        "collect_tube": Route(REGISTER_SAMPLES, by_pk("round_site"), obj("round_site"), query="?code=TUBE000001",
                              visible=_registers),
        "household_testing_qr": Route(view_people, by_pk("household"), obj("household")),
        "building_testing_qr": Route(view_people, by_pk("building"), obj("building")),
    }
    return pages, {}


def place(o, city):
    """Inside: the demo round's testing site (the demo collector's); outside: a round under way over the
    community of the far probe grid, with a testing site of its own."""
    from frontline.epidemic.rounds import testing_round_create

    staff = RoundStaff.objects.filter(user__username="collector").select_related("round").first()
    o.inside.round_site = RoundSite.objects.get(round=staff.round, site_id=staff.site_id)
    now = timezone.now()
    site = Site.objects.create(kind="testing", name="外区核酸采样点", area=o.outside.community)
    far = testing_round_create(actor=None, name="外区全员核酸检测", areas=[o.outside.community],
                               starts_at=now - datetime.timedelta(hours=2), ends_at=now + datetime.timedelta(days=1),
                               pool_size=10, sites=[(site, now - datetime.timedelta(hours=2),
                                                     now + datetime.timedelta(days=1))])
    far.status = "open"
    far.save(update_fields=["status"])
    o.outside.round_site = RoundSite.objects.get(round=far, site=site)


def fingerprint():
    return (Sample.objects.count(), Tube.objects.count())
