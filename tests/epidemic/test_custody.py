"""Custody of tubes: a collector fills and seals a bag at their site (each wrong tube refused naming it), the
transporter and the laboratory scan their hand-overs, a mismatch (missing tube, unexpected tube, a count that
differs) is flagged at once and listed for the desk, a stage is scanned once, scopes hold (a transporter of
another area, a collector of another site, the staff of another laboratory), and a tube's path names no one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontline.core.models import Assignment, AuditLog, User
from frontline.epidemic.custody import CustodyRefused, bag_handover, bag_seal, bag_tubes_add, round_custody
from frontline.epidemic.models import Bag, Handover, Laboratory, RoundSite, Sample, Tube
from frontline.epidemic.rounds import round_staff_add
from frontline.people.models import Resident

from .routes_custody import bag_sealed, demo_round, round_elsewhere, tubes_make


@pytest.fixture
def demo(city):
    d = demo_round(city)
    d.users = city.users
    d.collector, d.transporter, d.lab_user = city.users["collector"], city.users["transporter"], city.users["lab"]
    d.secretary = city.users["secretary"]
    return d


def _codes(prefix, n):
    return [f"{prefix}{i:04d}" for i in range(1, n + 1)]


def _sealed(demo, prefix="TB", n=3, lab=None):
    tubes = tubes_make(demo.round, demo.site, _codes(prefix, n), collector=demo.collector)
    return bag_sealed(demo.collector, demo.round, demo.site, f"BAG-{prefix}", [t.code for t in tubes], laboratory=lab)


def _picked(demo, bag, codes=None):
    codes = list(bag.tubes.values_list("code", flat=True)) if codes is None else codes
    return bag_handover(actor=demo.transporter, bag=bag, stage="picked_up", tube_codes=codes)


# --- filling and sealing ------------------------------------------------------------------------------------

def test_collector_fills_a_bag_and_seals_it_with_its_count(demo):
    tubes_make(demo.round, demo.site, _codes("TF", 3), collector=demo.collector)
    bag, added = bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code=" bag-f1 ",
                               tube_codes=["tf0001", "TF0002"], site=demo.site)
    assert bag.code == "BAG-F1" and [t.code for t in added] == ["TF0001", "TF0002"]
    bag, added = bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code="BAG-F1",
                               tube_codes=["TF0002", "TF0003"], site=demo.site)
    assert [t.code for t in added] == ["TF0003"]  # the one scanned again is in the bag already
    sealed = bag_seal(actor=demo.collector, testing_round=demo.round, bag_code="BAG-F1", laboratory=demo.lab)
    assert (sealed.sealed_count, sealed.sealed_by, sealed.laboratory) == (3, demo.collector, demo.lab)
    assert sealed.sealed_at is not None
    assert set(Tube.objects.filter(bag=bag).values_list("laboratory", flat=True)) == {demo.lab.pk}
    assert AuditLog.objects.filter(object_id=str(bag.pk), content_type__model="bag").count() == 4
    with pytest.raises(CustodyRefused, match="BAG-F1"):
        bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code="BAG-F1", tube_codes=[], site=demo.site)


def test_each_wrong_tube_is_refused_naming_it_and_nothing_is_added(demo, city):
    tubes_make(demo.round, demo.site, ["TW0001"])
    tubes_make(demo.round, demo.site, ["TW0002"], samples=0)
    other_site = Site_other(demo)
    tubes_make(demo.round, other_site, ["TW0003"])
    far = round_elsewhere(city.other_district)
    tubes_make(far.round, far.site, ["TW0004"])
    _sealed(demo, "TX", 1)  # TX0001 is in bag BAG-TX
    with pytest.raises(CustodyRefused) as refused:
        bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code="BAG-W", site=demo.site,
                      tube_codes=["TW0001", "TW0002", "TW0003", "TW0004", "TX0001", "TW9999", "x"])
    reasons = {e.code: e.reason for e in refused.value.errors}
    assert set(reasons) == {"TW0002", "TW0003", "TW0004", "TX0001", "TW9999", "X"}
    assert "TW0002" in reasons["TW0002"] and "TW0003" in reasons["TW0003"]
    assert far.round.name in reasons["TW0004"] and "BAG-TX" in reasons["TX0001"]
    assert not Bag.objects.filter(code="BAG-W").exists()  # nothing half-written: not even the bag
    assert Tube.objects.get(code="TW0001").bag_id is None


def Site_other(demo):
    from frontline.areas.models import Site

    site = Site.objects.create(kind="testing", name="第二采样点", area=demo.site.area)
    RoundSite.objects.create(round=demo.round, site=site, opens_at=demo.round.starts_at, closes_at=demo.round.ends_at)
    return site


def test_a_collector_of_another_site_cannot_add_tubes_of_this_site(demo):
    other_site = Site_other(demo)
    other = User.objects.create(username="collector-b", role="collector", area=other_site.area)
    round_staff_add(actor=None, testing_round=demo.round, user=other, role="collector", site=other_site)
    tubes_make(demo.round, demo.site, ["TS0001"])
    with pytest.raises(CustodyRefused, match="TS0001"):  # into a bag of their own site: a tube of another site
        bag_tubes_add(actor=other, testing_round=demo.round, bag_code="BAG-S2", tube_codes=["TS0001"], site=other_site)
    with pytest.raises(PermissionDenied):  # a bag at this site: not theirs
        bag_tubes_add(actor=other, testing_round=demo.round, bag_code="BAG-S1", tube_codes=["TS0001"], site=demo.site)
    bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code="BAG-S1", tube_codes=[], site=demo.site)
    with pytest.raises(PermissionDenied):
        bag_tubes_add(actor=other, testing_round=demo.round, bag_code="BAG-S1", tube_codes=["TS0001"], site=None)
    assert not Bag.objects.filter(code="BAG-S2").exists() and Tube.objects.get(code="TS0001").bag_id is None


def test_the_transporter_and_the_laboratory_may_not_seal(demo):
    tubes_make(demo.round, demo.site, ["TT0001"])
    for user in (demo.transporter, demo.lab_user):
        with pytest.raises(PermissionDenied):
            bag_tubes_add(actor=user, testing_round=demo.round, bag_code="BAG-T", tube_codes=["TT0001"], site=demo.site)
    assert not Bag.objects.filter(code="BAG-T").exists()


# --- hand-overs and their mismatches -------------------------------------------------------------------------

def test_a_hand_over_that_matches_is_not_flagged_and_delivery_sets_the_laboratory(demo):
    bag = _sealed(demo, "TM", 3)
    picked = _picked(demo, bag)
    assert (picked.counted, picked.missing, picked.extra, picked.flagged) == (3, [], [], False)
    delivered = bag_handover(actor=demo.transporter, bag=bag, stage="delivered", tube_codes=None, counted=3,
                             laboratory=demo.lab)
    assert not delivered.flagged
    bag.refresh_from_db()
    assert bag.laboratory == demo.lab
    assert set(bag.tubes.values_list("laboratory", flat=True)) == {demo.lab.pk}


def test_a_missing_tube_is_flagged_with_its_code(demo):
    bag = _sealed(demo, "TN", 3)
    picked = _picked(demo, bag, ["TN0001", "TN0003"])
    assert (picked.missing, picked.extra, picked.counted, picked.flagged) == (["TN0002"], [], 2, True)
    data = round_custody(demo.secretary, demo.round)
    assert [(h.bag.code, h.missing) for h in data["flagged"]] == [("BAG-TN", ["TN0002"])]


def test_an_unexpected_tube_is_flagged_with_its_code(demo):
    bag = _sealed(demo, "TU", 2)
    tubes_make(demo.round, demo.site, ["TU9999"])
    picked = _picked(demo, bag, ["TU0001", "TU0002", "TU9999", "NOT-A-TUBE-1"])
    assert (picked.missing, picked.extra, picked.counted, picked.flagged) == ([], ["TU9999", "NOT-A-TUBE-1"], 4, True)


def test_a_count_that_differs_is_flagged(demo):
    bag = _sealed(demo, "TC", 3)
    picked = bag_handover(actor=demo.transporter, bag=bag, stage="picked_up", tube_codes=None, counted=2)
    assert (picked.missing, picked.extra, picked.counted, picked.flagged) == ([], [], 2, True)
    assert Handover.objects.get(pk=picked.pk).flagged


def test_a_stage_scanned_twice_is_refused_and_delivery_waits_for_pickup(demo):
    bag = _sealed(demo, "TD", 2)
    with pytest.raises(ValidationError, match="BAG-TD"):
        bag_handover(actor=demo.transporter, bag=bag, stage="delivered", counted=2, laboratory=demo.lab)
    _picked(demo, bag)
    with pytest.raises(ValidationError) as twice:
        _picked(demo, bag)
    assert "BAG-TD" in twice.value.messages[0] and "transporter" in twice.value.messages[0]
    assert Handover.objects.filter(bag=bag).count() == 1


def test_an_unsealed_bag_cannot_be_handed_over(demo):
    tubes_make(demo.round, demo.site, ["TO0001"])
    bag, _added = bag_tubes_add(actor=demo.collector, testing_round=demo.round, bag_code="BAG-TO",
                                tube_codes=["TO0001"], site=demo.site)
    with pytest.raises(ValidationError, match="BAG-TO"):
        bag_handover(actor=demo.transporter, bag=bag, stage="picked_up", tube_codes=["TO0001"])


def test_a_transporter_outside_their_area_gets_404(demo, city, client_for):
    far = round_elsewhere(city.other_district)
    tube, = tubes_make(far.round, far.site, ["TFAR001"])
    bag = bag_sealed(None, far.round, far.site, "BAG-FAR", ["TFAR001"])
    with pytest.raises(PermissionDenied):
        bag_handover(actor=demo.transporter, bag=bag, stage="picked_up", tube_codes=["TFAR001"])
    client = client_for("transporter")
    response = client.post("/api/v1/testing/bags/BAG-FAR/handovers",
                           {"round": far.round.pk, "stage": "picked_up", "tube_codes": ["TFAR001"]},
                           content_type="application/json")
    assert response.status_code == 404
    assert client.get(reverse("tube_detail", args=[tube.pk])).status_code == 404
    assert client.post(reverse("bag_scan"), {"round": far.round.pk, "code": "BAG-FAR"}).status_code == 404
    assert not Handover.objects.filter(bag=bag).exists()


def _lab_b(demo):
    lab_b = Laboratory.objects.create(name="市第二检测中心", area=demo.lab.area)
    user = User.objects.create(username="lab-b", role="lab_staff", area=demo.lab.area)
    Assignment.objects.create(user=user, role="lab_staff", area=demo.lab.area, valid_from=datetime.date(2022, 3, 1))
    lab_b.staff.add(user)
    return lab_b, user


def test_lab_staff_of_another_laboratory_cannot_deliver_to_theirs(demo, client_for):
    lab_b, user_b = _lab_b(demo)
    bag = _sealed(demo, "TL", 2, lab=demo.lab)
    _picked(demo, bag)
    with pytest.raises(PermissionDenied):
        bag_handover(actor=user_b, bag=bag, stage="delivered", counted=2, laboratory=lab_b)
    client = client_for("lab-b")
    response = client.post("/api/v1/testing/bags/BAG-TL/handovers",
                           {"round": demo.round.pk, "stage": "delivered", "count": 2, "laboratory": lab_b.pk},
                           content_type="application/json")
    assert response.status_code == 404
    # The bag's own laboratory receives it; naming another one is refused in words.
    with pytest.raises(ValidationError, match="市第一检测中心"):
        bag_handover(actor=demo.transporter, bag=bag, stage="delivered", counted=2, laboratory=lab_b)
    delivered = bag_handover(actor=demo.lab_user, bag=bag, stage="delivered",
                             tube_codes=list(bag.tubes.values_list("code", flat=True)))
    assert not delivered.flagged and Bag.objects.get(pk=bag.pk).laboratory == demo.lab


def test_the_transporter_names_the_laboratory_at_delivery(demo):
    bag = _sealed(demo, "TV", 2)
    _picked(demo, bag)
    with pytest.raises(ValidationError, match="BAG-TV"):
        bag_handover(actor=demo.transporter, bag=bag, stage="delivered", counted=2)
    bag_handover(actor=demo.transporter, bag=bag, stage="delivered", counted=2, laboratory=demo.lab)
    assert set(Tube.objects.filter(bag=bag).values_list("laboratory", flat=True)) == {demo.lab.pk}
    assert Tube.objects.restrict(demo.lab_user, "view_testing").filter(bag=bag).count() == 2


# --- the desk's page and a tube's path ---------------------------------------------------------------------

def test_the_round_custody_page_lists_mismatches_for_the_desk(demo, client_for):
    bag = _sealed(demo, "TP", 3)
    _picked(demo, bag, ["TP0001"])
    page = client_for("secretary").get(reverse("round_custody", args=[demo.round.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "交接异常" in text and ">TP0002</a>, <a" in text and ">TP0003</a>" in text and 'data-testid="mismatch-BAG-TP"' in text
    assert client_for("secretary2").get(reverse("round_custody", args=[demo.round.pk])).status_code == 404


def test_the_round_custody_page_queries_do_not_grow_with_bags(demo, client_for):
    client = client_for("secretary")
    url = reverse("round_custody", args=[demo.round.pk])

    def count():
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for i in range(2):
        bag = _sealed(demo, f"Q{i}", 2)
        _picked(demo, bag, [f"Q{i}0001"])
    few = count()
    for i in range(2, 8):
        bag = _sealed(demo, f"Q{i}", 2)
        _picked(demo, bag)
    assert count() == few


def test_the_tube_page_shows_its_path_and_no_personal_names(demo, client_for):
    tube, = tubes_make(demo.round, demo.site, ["TPATH01"], samples=2, collector=demo.collector)
    residents = list(Resident.objects.filter(household__building__area__path__startswith=demo.site.area.path)
                     .select_related("person").order_by("id")[:2])
    now = timezone.now()
    for i, r in enumerate(residents):
        Sample.objects.create(round=demo.round, tube=tube, person=r.person, client_id=f"c-path-{i}", site=demo.site,
                              collector=demo.collector, collected_at=now, received_at=now)
    bag = bag_sealed(demo.collector, demo.round, demo.site, "BAG-PATH", ["TPATH01"])
    _picked(demo, bag)
    for username in ("secretary", "collector", "transporter"):
        page = client_for(username).get(reverse("tube_detail", args=[tube.pk]))
        assert page.status_code == 200, username
        text = page.content.decode()
        assert "TPATH01" in text and "BAG-PATH" in text and "collector" in text and "transporter" in text
        for r in residents:
            assert r.person.name not in text and (not r.person.id_number or r.person.id_number not in text)
    assert client_for("lab").get(reverse("tube_detail", args=[tube.pk])).status_code == 404  # not its laboratory's


def test_who_sealed_a_bag_does_not_scan_its_pickup(demo):
    bag = _sealed(demo, "TK", 2)  # sealed by the collector
    with pytest.raises(ValidationError, match="BAG-TK"):
        bag_handover(actor=demo.collector, bag=bag, stage="picked_up", counted=2)
    assert not _picked(demo, bag).flagged


def test_the_desk_finds_a_tube_by_its_code_and_opens_its_path_from_a_mismatch(demo, client_for):
    bag = _sealed(demo, "TG", 2)
    _picked(demo, bag, ["TG0001"])
    client = client_for("secretary")
    url = reverse("round_custody", args=[demo.round.pk])
    missing = Tube.objects.get(code="TG0002")
    assert reverse("tube_detail", args=[missing.pk]) in client.get(url).content.decode()
    found = client.get(url, {"tube": " tg0002 "})
    assert found.status_code == 302 and found["Location"] == reverse("tube_detail", args=[missing.pk])
    assert "本轮没有您可查看的试管 TG9999" in client.get(url, {"tube": "TG9999"}).content.decode()


def test_the_round_page_leads_to_its_custody(demo, client_for):
    client = client_for("secretary")
    round_page = client.get(reverse("testing_round_detail", args=[demo.round.pk])).content.decode()
    assert f'href="{reverse("round_custody", args=[demo.round.pk])}"' in round_page
    assert client.get(reverse("round_custody", args=[demo.round.pk])).status_code == 200
