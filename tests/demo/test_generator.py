import hashlib
from contextlib import contextmanager

import pytest
from django.db import transaction

from frontline.areas.models import Area, Building, Household, Site
from frontline.core.models import User
from frontline.core.validators import normalize_phone, parse_id_number
from frontline.demo import plan as P
from frontline.demo.generator import CityExists, generate_city
from frontline.grid.models import ContactHousehold, GridRole
from frontline.people.models import Cadre, PartyMember, PartyOrg, Person, Resident
from tests.conftest import TEST_RESIDENTS


def _digest(n: int = 400) -> str:
    """A fingerprint of a city from natural keys (not database ids, which sequences may shift)."""
    rows = Resident.objects.order_by("person__id_number", "person__doc_number").values_list(
        "person__name", "person__id_number", "person__phone", "household__room", "household__building__area__code")
    return hashlib.sha256(repr(list(rows[:n])).encode()).hexdigest()


def test_proportions_follow_the_reference_city(db):
    plan = P.CityPlan.for_residents(1_000_000)
    assert (plan.districts, plan.streets, plan.communities, plan.grids) == (2, 20, 300, 4000)
    assert P.CityPlan.for_residents(10_000_000).grids == 40_000
    small = P.CityPlan.for_residents(500)
    assert small.districts >= 2 and small.streets >= 2 * small.districts and small.grids >= 2 * small.communities


def test_generated_city_has_the_right_shape(city):
    assert Resident.objects.count() == TEST_RESIDENTS == Person.objects.count()
    households = Household.objects.count()
    assert 2.5 <= TEST_RESIDENTS / households <= 3.2  # reference: 10M / 3.5M = 2.86
    members = PartyMember.objects.count()
    assert 0.02 <= members / TEST_RESIDENTS <= 0.04
    assert Cadre.objects.count() > 0
    plan = P.CityPlan.for_residents(TEST_RESIDENTS)
    for level, expected in [("district", plan.districts), ("street", plan.streets),
                            ("community", plan.communities), ("grid", plan.grids)]:
        assert Area.objects.filter(level=level).count() == expected


def test_generated_identifiers_are_valid_and_unique(city):
    ids = list(Person.objects.exclude(id_number=None).values_list("id_number", "birth_date", "sex"))
    assert len({i for i, _, _ in ids}) == len(ids)
    for number, birth, sex in ids[:300]:
        info = parse_id_number(number, today=P.TODAY)
        assert (info.birth_date, info.sex) == (birth, sex)
    for phone in Person.objects.exclude(phone="").values_list("phone", flat=True)[:300]:
        assert normalize_phone(phone) == phone


def test_households_have_realistic_ages(city):
    heads = Resident.objects.filter(relation="head").select_related("person")[:200]
    for head in heads:
        age = (P.TODAY - head.person.birth_date).days // 365
        assert 18 <= age <= 91
    for member in PartyMember.objects.select_related("person")[:100]:
        assert (P.TODAY - member.person.birth_date).days // 365 >= 18


@contextmanager
def empty_database():
    """The session city cleared inside a savepoint, restored afterwards."""
    sid = transaction.savepoint()
    try:
        from frontline.care import models as care
        from frontline.epidemic import models as epidemic

        for model in (care.HotlineCall, care.CounselingSession, care.SiteService, care.StockMove, care.Stock,
                      care.ResidentPage, care.ResidentRequest, care.SupplyOrderLine, care.SupplyOrder,
                      care.DeliveryBatch, care.KitPart, care.SupplyItem):
            model.objects.all().delete()  # the demo's care

        for model in (epidemic.HealthRecord, epidemic.ControlMeasure, epidemic.Contact, epidemic.KeptScan,
                      epidemic.CheckpointScan, epidemic.CheckpointPost, epidemic.IsolationRoom, epidemic.ZoneChange,
                      epidemic.ControlZone, epidemic.Retest, epidemic.Case, epidemic.Sample, epidemic.Tube,
                      epidemic.Bag, epidemic.RoundStaff, epidemic.RoundExemption, epidemic.TestingRound,
                      epidemic.Laboratory):
            model.objects.all().delete()  # the demo's testing round, epidemic control and their accounts
        User.objects.all().delete()
        for model in (ContactHousehold, GridRole, Resident, PartyMember, Cadre, Person, Household, Building, Site,
                      PartyOrg, Area):
            model.objects.all().delete()
        yield
    finally:
        transaction.savepoint_rollback(sid)


def test_same_seed_same_city_different_seed_different_city(db):
    def city_digest(seed: int) -> str:
        with empty_database():
            generate_city(residents=300, seed=seed, progress=False)
            return _digest()

    assert city_digest(11) == city_digest(11)
    assert city_digest(11) != city_digest(12)


def test_the_plan_alone_is_deterministic():
    def people(seed):
        r = P.CityRandom(seed)
        buildings = P.grid_buildings(r, 200, "418002")
        return [(p.name, p.id_number, p.phone) for b in buildings for h in b.households for p in h.people]

    assert people(3) == people(3) != people(4)
    assert len(people(3)) == 200


def test_generating_into_a_populated_database_is_refused(city):
    with pytest.raises(CityExists):
        generate_city(residents=10, seed=1, progress=False)


def test_an_interrupted_run_leaves_no_half_city_and_can_run_again(db):
    def interrupt(stats):
        raise KeyboardInterrupt

    with empty_database():
        with pytest.raises(KeyboardInterrupt):
            generate_city(residents=3000, seed=5, progress=False, batch_size=500, after_batch=interrupt)
        assert (Area.objects.count(), Person.objects.count(), Household.objects.count()) == (0, 0, 0)
        stats = generate_city(residents=3000, seed=5, progress=False, batch_size=500)
        assert stats.residents == Person.objects.count() == 3000


def test_addresses_follow_the_area_tree(city):
    building = Building.objects.filter(area=city.grid).first()
    for ancestor in (city.city, city.district, city.street):
        assert ancestor.name in building.address
    assert building.address.endswith(building.name)
