"""The access matrix's entries for results (see tests/test_every_route.py): the round's results page (desks
over the round, staff of a laboratory with tubes in it), the reviews and their decision (manage_testing), the
round's positives (view_testing), and the laboratories' API."""

import datetime

from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.epidemic.models import Case, ResultReview, Retest, RoundArea, TestingRound, Tube
from frontline.epidemic.policy import LOAD_RESULTS, MANAGE_TESTING, VIEW_TESTING
from frontline.epidemic.results import may_load

from .results_fixtures import demo_round, lab_of, site_in


def entries(matrix):
    Route = matrix.Route

    def round_pk(o, where, user):
        return {"pk": o[where].results_round.pk}

    def loads(user, testing_round):
        return may_load(user, testing_round)

    pages = {
        "round_results": Route(LOAD_RESULTS, round_pk, matrix._obj("results_round"), visible=loads),
        "round_result_reviews": Route(MANAGE_TESTING, round_pk, matrix._obj("results_round")),
        "result_review_decide": Route(MANAGE_TESTING, lambda o, where, user: {"pk": o[where].results_review.pk,
                                                                             "action": "dismiss"},
                                      matrix._obj("results_review"), method="post"),
        "round_positives": Route(VIEW_TESTING, round_pk, matrix._obj("results_round")),
    }
    api = {
        ("post", "/api/v1/testing/rounds/{round_id}/results"): Route(
            LOAD_RESULTS, lambda o, where, user: {"round_id": o[where].results_round.pk}, matrix._obj("results_round"),
            method="post", visible=loads,
            data=lambda o, where: [{"tube_code": o[where].results_tube.code, "result": "阳性"}]),
    }
    return pages, api


def _tube_and_review(testing_round, site, code, laboratory=None):
    now = timezone.now()
    tube = Tube.objects.create(round=testing_round, code=code, site=site, pool_size=testing_round.pool_size,
                               opened_at=now, laboratory=laboratory, result="negative", result_at=now,
                               result_source="lab")
    review = ResultReview.objects.create(tube=tube, result="invalid", source="another lab")
    return tube, review


def place(o, city):
    """Inside: the demo round (the demo laboratory's tube, with a result held for review); outside: a round in
    another district, its tube at no laboratory."""
    inside = demo_round(city)
    o.inside.results_round = inside
    o.inside.results_tube, o.inside.results_review = _tube_and_review(inside, site_in(city.community), "MX000001",
                                                                      lab_of())
    start = timezone.now() - datetime.timedelta(hours=1)
    outside = TestingRound.objects.create(name="外区核酸", area=city.other_district, starts_at=start,
                                          ends_at=start + datetime.timedelta(days=2), pool_size=10, status="open")
    RoundArea.objects.create(round=outside, area=city.other_district)
    site = Site.objects.create(kind=SiteKind.TESTING, name="外区采样点", area=city.other_district)
    o.outside.results_round = outside
    o.outside.results_tube, o.outside.results_review = _tube_and_review(outside, site, "MX000002")


def fingerprint():
    return (tuple(Tube.objects.values_list("result").annotate(n=Count("id")).order_by("result")),
            tuple(ResultReview.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            Retest.objects.count(), Case.objects.count())
