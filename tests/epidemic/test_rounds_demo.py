"""The demo's round under way: samples in pooled tubes, bags handed over, results with one positive pool
followed to re-tests, and residents left untested for door-knocking; made once."""

from django.db.models import Count

from frontline.demo.testing import demo_testing_create
from frontline.epidemic import models as epidemic
from frontline.epidemic.models import Bag, Handover, Retest, RoundExemption, Sample, Tube
from frontline.people.models import Resident


def test_the_demo_round_is_under_way_and_made_once(city, client_for):
    demo_testing_create()
    testing_round = epidemic.TestingRound.objects.filter(round_areas__area=city.community).order_by("-id").first()
    samples = Sample.objects.filter(round=testing_round)
    tubes = Tube.objects.filter(round=testing_round)
    assert samples.count() >= 100 and tubes.count() * testing_round.pool_size >= samples.count()
    assert all(n <= testing_round.pool_size for n in samples.values("tube").annotate(n=Count("id")).values_list("n", flat=True))
    assert set(tubes.values_list("samples_count", flat=True)) <= set(range(1, testing_round.pool_size + 1))
    assert samples.values("grid").distinct().count() > 1  # across the community's grids
    positive = tubes.get(result="positive")  # exactly one
    assert tubes.filter(result="negative").exists() and tubes.filter(result="").exists()
    assert sorted(Retest.objects.filter(tube=positive).values_list("person_id", flat=True)) == sorted(
        samples.filter(tube=positive).values_list("person_id", flat=True))
    assert Handover.objects.filter(bag__round=testing_round, stage="delivered").count() == 1
    assert Bag.objects.filter(round=testing_round).count() >= 2 and tubes.filter(bag__isnull=True).exists()
    residents = Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                        moved_out__isnull=True)
    assert residents.exclude(person__in=samples.values("person")).count() > 50  # left for door-knocking
    assert RoundExemption.objects.filter(round=testing_round, kind="door_to_door").exists()
    assert not samples.filter(person__in=RoundExemption.objects.filter(round=testing_round).values("person")).exists()
    before = (samples.count(), tubes.count(), Retest.objects.count(), Bag.objects.count())
    demo_testing_create()
    assert (samples.count(), tubes.count(), Retest.objects.count(), Bag.objects.count()) == before
    lab = client_for("lab").get("/testing/").content.decode()
    assert testing_round.name in lab  # its tubes went to the lab's laboratory
