"""Walking the demo at any hour: the demo round is under way now (a collector can register at once, even just
after local midnight), and nothing the demo made — samples, hand-overs, results — lies in the future."""

from django.utils import timezone

from frontline.core import policy
from frontline.demo.testing import demo_testing_create
from frontline.epidemic import models as epidemic
from frontline.epidemic.models import Handover, RoundSite, Sample, Tube
from frontline.epidemic.policy import REGISTER_SAMPLES


def test_the_demo_round_is_under_way_and_nothing_lies_in_the_future(city):
    demo_testing_create()
    now = timezone.now()
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    assert testing_round.starts_at <= now < testing_round.ends_at
    site = RoundSite.objects.get(round=testing_round)
    assert site.opens_at <= now < site.closes_at  # the collector's site is open now
    assert policy.allows(city.users["collector"], REGISTER_SAMPLES)
    assert not Sample.objects.filter(round=testing_round, collected_at__gt=now).exists()
    assert not Tube.objects.filter(round=testing_round, opened_at__gt=now).exists()
    assert not Tube.objects.filter(round=testing_round, result_at__gt=now).exists()
    assert not Handover.objects.filter(bag__round=testing_round, at__gt=now).exists()


def test_the_way_to_load_results_leads_to_a_round_s_results_page(city, client_for):
    demo_testing_create()  # the first bag reached the demo laboratory: the lab sees the round
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    results = f'href="/testing/rounds/{testing_round.pk}/results/"'
    for username in ("lab", "secretary"):
        client = client_for(username)
        listing = client.get("/testing/").content.decode()
        assert results in listing and 'href="/testing/results/"' not in listing
        assert client.get(f"/testing/rounds/{testing_round.pk}/results/").status_code == 200
    detail = client_for("lab").get(f"/testing/rounds/{testing_round.pk}/").content.decode()
    assert results in detail


def test_the_demo_positive_pool_sends_re_sampling_work_orders_to_the_grid(city, client_for):
    from frontline.core.models import WorkOrder
    from frontline.epidemic.models import Retest

    demo_testing_create()
    retests = Retest.objects.filter(tube__result="positive")
    assert retests.count() >= 2 and not retests.filter(work_order__isnull=True).exists()
    orders = WorkOrder.objects.filter(pk__in=retests.values("work_order"))
    assert orders.count() == retests.count()
    grid = retests.first().grid
    worker = next(u for u in ("grid", "grid2") if city.users[u].area_id == grid.pk)
    inbox = client_for(worker).get("/inbox/").content.decode()
    assert "单管复核采样" in inbox
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    positives = client_for("secretary").get(f"/testing/rounds/{testing_round.pk}/positives/").content.decode()
    assert f'href="/work-orders/{orders.first().pk}/"' in positives


def test_re_sampling_a_positive_pool_comes_before_door_knocking_in_the_grid_s_inbox(city, client_for):
    from frontline.epidemic.models import Retest

    demo_testing_create()
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    grid = Retest.objects.filter(tube__result="positive").first().grid
    worker = next(u for u in ("grid", "grid2") if city.users[u].area_id == grid.pk)
    sent = client_for("secretary").post(f"/testing/rounds/{testing_round.pk}/areas/{grid.pk}/door-knock/")
    assert sent.status_code in (200, 302)
    inbox = client_for(worker).get("/inbox/").content.decode()
    assert "敲门：" in inbox and "单管复核采样" in inbox
    assert inbox.index("单管复核采样") < inbox.index("敲门：")
