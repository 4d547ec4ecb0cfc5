"""The access matrix's entries for the sampling terminals' API (frontline.epidemic.sampling_api): the demo
round's testing site inside (the collector's), a round with a testing site in another district outside."""

import datetime

from django.utils import timezone

from frontline.areas.models import Site
from frontline.core import policy
from frontline.epidemic import models as epidemic
from frontline.epidemic import rounds
from frontline.epidemic.policy import REGISTER_SAMPLES
from frontline.epidemic.registration import round_sites_registering
from frontline.epidemic.sampling_api import round_visible


def _sees_round_site(user, round_site) -> bool:
    return epidemic.RoundSite.objects.filter(
        policy.scope_q(epidemic.RoundSite, user, REGISTER_SAMPLES)
        | policy.scope_q(epidemic.RoundSite, user, "view_testing"), pk=round_site.pk).exists()


def _record(o, where):
    return {"records": [{"client_id": f"probe-{where}", "tube_code": f"PROBE{where[:2].upper()}01",
                         "id_number": o[where].person.id_number}]}


def entries(matrix):
    Route = matrix.Route
    api = {
        ("get", "/api/v1/testing/rounds"): Route(REGISTER_SAMPLES, outside=False),
        ("post", "/api/v1/testing/rounds/{round_id}/sites/{site_id}/samples"): Route(
            REGISTER_SAMPLES, lambda o, w, u: {"round_id": o[w].samples_site.round_id, "site_id": o[w].samples_site.site_id},
            lambda o, w: o[w].samples_site, method="post", data=_record, visible=_sees_round_site,
            may=lambda user, round_site: round_sites_registering(user).filter(allowed=True, pk=round_site.pk).exists()),
        ("get", "/api/v1/testing/rounds/{round_id}/samples"): Route(
            REGISTER_SAMPLES, lambda o, w, u: {"round_id": o[w].samples_site.round_id},
            lambda o, w: o[w].samples_site.round, query="?client_ids=probe-1,probe-2", visible=round_visible),
    }
    return {}, api


def place(o, city):
    """Inside: the demo round's testing site (where the demo collector works); outside: a round open over a
    community of the other district, with its own testing site."""
    o.inside.samples_site = (epidemic.RoundSite.objects.filter(round__staff__user__username="collector")
                             .select_related("round").order_by("id").first())
    now = timezone.now()
    site = Site.objects.create(kind="testing", name="外区核酸采样点", area=o.outside.grid)
    far = rounds.testing_round_create(actor=None, name="外区全员核酸", areas=[o.outside.community],
                                      starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(days=2),
                                      pool_size=10, sites=[(site, now - datetime.timedelta(days=1),
                                                            now + datetime.timedelta(days=2))])
    far.status = epidemic.RoundStatus.OPEN
    far.save(update_fields=["status"])
    o.outside.samples_site = epidemic.RoundSite.objects.select_related("round").get(round=far, site=site)


def fingerprint():
    return (epidemic.Sample.objects.count(), epidemic.Tube.objects.count())
