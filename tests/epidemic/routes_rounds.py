"""The access matrix's entries for the round pages (see tests/test_every_route.py): the demo round over the
demo community inside, a round over a community of another district outside, each with a testing site, a
collector's staffing and an exemption."""

import datetime

from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import Assignment, User
from frontline.epidemic.models import RoundExemption, RoundSite, RoundStaff, TestingRound
from frontline.epidemic.rounds import round_may_manage, round_staff_add
from frontline.epidemic.rounds import testing_round_create as round_create

FMT = "%Y-%m-%dT%H:%M"


def entries(matrix):
    Route, by_pk, obj = matrix.Route, matrix._by_pk, matrix._obj
    view, manage = "view_testing", "manage_testing"
    runs = lambda user, testing_round: round_may_manage(user, testing_round)  # noqa: E731
    hours = lambda o, where: {  # noqa: E731
        "site": o[where].testing_site.pk, "opens_at": timezone.localtime(o[where].round.starts_at).strftime(FMT),
        "closes_at": timezone.localtime(o[where].round.ends_at).strftime(FMT)}
    pages = {
        "testing_round_list": Route(view, outside=False),
        "testing_round_new": Route(manage, outside=False),
        "testing_round_detail": Route(view, by_pk("round"), obj("round")),
        "testing_round_status": Route(manage, by_pk("round"), obj("round"), method="post", may=runs,
                                      data=lambda o, where: {"status": "closed"}),
        "round_site_save": Route(manage, by_pk("round"), obj("round"), method="post", may=runs, data=hours),
        "round_staff_new": Route(manage, by_pk("round"), obj("round"), method="post", may=runs),
        "round_staff_end": Route(manage, lambda o, where, user: {"pk": o[where].round.pk,
                                                                 "staff_pk": o[where].round_staff.pk},
                                 obj("round"), method="post", may=runs),
        "round_exemption_new": Route(manage, by_pk("round"), obj("round"), may=runs),
        "round_exemption_remove": Route(manage, lambda o, where, user: {"pk": o[where].round.pk,
                                                                        "exemption_pk": o[where].exemption.pk},
                                        obj("round"), method="post", may=runs),
    }
    return pages, {}


def place(o, city):
    inside = TestingRound.objects.filter(round_areas__area=city.community).order_by("-id").first()
    o.inside.round = inside
    o.inside.testing_site = inside.round_sites.order_by("id").first().site
    o.inside.round_staff = RoundStaff.objects.get(round=inside, user__username="collector")
    o.inside.exemption = RoundExemption.objects.create(round=inside, person=o.inside.person, grid=city.grid,
                                                       kind="door_to_door")
    far_grid = o.outside.grid
    far_community = Area.objects.get_parent(far_grid)
    site = Site.objects.create(kind=SiteKind.TESTING, name="外区采样点", area=far_community)
    now = timezone.now()
    outside = round_create(actor=None, name="外区全员核酸", areas=[far_community], starts_at=now - datetime.timedelta(hours=2),
                           ends_at=now + datetime.timedelta(days=2), pool_size=10,
                           sites=[(site, now - datetime.timedelta(hours=2), now + datetime.timedelta(hours=12))])
    account = User.objects.create(username="collector-far", role="collector", area=far_community)
    o.outside.round, o.outside.testing_site = outside, site
    o.outside.round_staff = round_staff_add(actor=None, testing_round=outside, user=account, role="collector", site=site)
    o.outside.exemption = RoundExemption.objects.create(round=outside, person=o.outside.person, grid=far_grid,
                                                        kind="away")


def fingerprint():
    return (TestingRound.objects.count(),
            tuple(TestingRound.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            tuple(RoundSite.objects.values_list("pk", "opens_at", "closes_at").order_by("pk")),
            Site.objects.count(), RoundStaff.objects.filter(ended_at__isnull=True).count(), RoundStaff.objects.count(),
            Assignment.objects.count(), RoundExemption.objects.count())
