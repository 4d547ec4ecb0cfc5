"""The access matrix's entries for coverage: the round's coverage page (view_testing: counts), a grid's
untested residents (view_people), door-knocking them (register_samples: the desk, a grid worker in their grid)."""

import datetime

from django.utils import timezone

from frontline.core import policy
from frontline.epidemic.models import DoorKnock, RoundArea, TestingRound
from frontline.epidemic.policy import REGISTER_SAMPLES, VIEW_TESTING


def _round_visible(user, testing_round) -> bool:
    """Coverage is counted over places: for those who see testing over an area (a collector's staffing or a
    laboratory's tubes give none)."""
    over_area = user.is_superuser or any(policy.scope_of(a.role, VIEW_TESTING) == policy.AREA
                                         for a in policy.assignments(user))
    return over_area and TestingRound.objects.restrict(user, VIEW_TESTING).filter(pk=testing_round.pk).exists()


def entries(matrix):
    def round_and_grid(o, where, user):
        return {"pk": o[where].coverage_round.pk, "grid_pk": o[where].grid.pk}

    pages = {
        "round_coverage": matrix.Route(VIEW_TESTING, lambda o, where, user: {"pk": o[where].coverage_round.pk},
                                       matrix._obj("coverage_round"), visible=_round_visible),
        "round_grid_untested": matrix.Route("view_people", round_and_grid, matrix._obj("grid")),
        "round_door_knock": matrix.Route(REGISTER_SAMPLES, lambda o, where, user: {
            "pk": o[where].coverage_round.pk, "area_pk": o[where].grid.pk}, matrix._obj("grid"), method="post"),
    }
    return pages, {}


def place(o, city):
    """The demo round over the probe grid's community; a round under way over the far grid's community."""
    o.inside.coverage_round = TestingRound.objects.filter(round_areas__area=o.inside.community).order_by("-id").first()
    now = timezone.now()
    far = TestingRound.objects.create(name="外区全员核酸", area=o.outside.community, starts_at=now - datetime.timedelta(hours=1),
                                      ends_at=now + datetime.timedelta(days=1), pool_size=10, status="open")
    RoundArea.objects.create(round=far, area=o.outside.community)
    o.outside.coverage_round = far


def fingerprint():
    return (DoorKnock.objects.count(),)
