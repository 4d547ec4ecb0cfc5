"""Registering samples (frontline.epidemic.registration): pool sizes at their edges, a tube reused or overfull, a
person twice in a round, a deliberate re-test, retried and duplicated uploads, one bad record among 500, visitors
entered by hand, QR codes, and who may register where."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from frontline.areas.models import Site
from frontline.core.models import AuditLog, User
from frontline.core.validators import id_check_char
from frontline.epidemic import rounds
from frontline.epidemic.models import Bag, RoundSite, Sample, Tube
from frontline.epidemic.registration import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    BatchRefused,
    mask_name,
    person_qr_token,
    sample_register,
    samples_register,
)
from frontline.people.models import Person

from .conftest import record


def register(t, records, actor=None, **kwargs):
    return samples_register(actor=actor or t.collector, testing_round=kwargs.pop("round", t.round),
                            site=kwargs.pop("site", t.site), records=records, now=kwargs.pop("now", t.now))


def test_a_tube_of_ten_takes_ten_and_refuses_the_eleventh(testing):
    outcomes = register(testing, [record(p, "T10000001") for p in testing.people[:11]])
    assert [o.status for o in outcomes] == [ACCEPTED] * 10 + [REJECTED]
    assert outcomes[9].tube_count == 10 and outcomes[9].pool_size == 10
    assert "T10000001" in outcomes[10].reason and "10" in outcomes[10].reason
    assert Tube.objects.get(round=testing.round, code="T10000001").samples_count == 10
    assert Sample.objects.filter(tube__code="T10000001").count() == 10
    # The eleventh person is not registered and can go into the next tube.
    (again,) = register(testing, [record(testing.people[10], "T10000002")])
    assert again.status == ACCEPTED and again.tube_count == 1


@pytest.mark.parametrize("pool_size", [1, 20])
def test_pool_sizes_at_their_edges(testing, pool_size):
    commander = User.objects.get(username="commander")
    start = testing.round.starts_at
    other = rounds.testing_round_create(actor=commander, name="单管", areas=[testing.site.area], starts_at=start,
                                 ends_at=start + datetime.timedelta(days=1), pool_size=pool_size,
                                 sites=[(testing.site, start, start + datetime.timedelta(days=1))])
    other.status = "open"
    other.save()
    outcomes = register(testing, [record(p, "EDGE00001") for p in testing.people[:pool_size + 1]], actor=commander,
                        round=other)
    assert [o.status for o in outcomes] == [ACCEPTED] * pool_size + [REJECTED]
    assert Tube.objects.get(round=other, code="EDGE00001").samples_count == pool_size


def test_a_person_is_registered_once_a_round_unless_it_is_a_re_test(testing):
    person = testing.people[0]
    first, second = register(testing, [record(person, "ONCE00001"), record(person, "ONCE00002")])
    assert first.status == ACCEPTED and second.status == REJECTED and second.field == "person"
    assert "ONCE00001" in second.reason and person.name not in second.reason  # masked
    (later,) = register(testing, [record(person, "ONCE00003")])
    assert later.status == REJECTED
    (retest,) = register(testing, [record(person, "ONCE00004", retest=True)])
    assert retest.status == ACCEPTED
    assert Tube.objects.get(code="ONCE00004").pool_size == 1  # a re-test goes into a single tube
    assert list(Sample.objects.filter(person=person, round=testing.round).values_list("kind", flat=True)
                .order_by("id")) == ["routine", "retest"]


def test_a_retried_batch_counts_once_and_says_so(testing):
    batch = [record(p, f"RETRY{i // 10:04d}") for i, p in enumerate(testing.people[:30])]
    first = register(testing, batch)
    for _attempt in range(3):
        again = register(testing, batch)
        assert [o.status for o in again] == [DUPLICATE] * 30
        assert [o.sample_id for o in again] == [o.sample_id for o in first]
    assert Sample.objects.filter(round=testing.round, client_id__in=[r["client_id"] for r in batch]).count() == 30
    assert Tube.objects.filter(code__startswith="RETRY").aggregate(n=Sum("samples_count"))["n"] == 30
    # The same record twice in one upload is one sample.
    one = record(testing.people[40], "RETRY0009")
    outcomes = register(testing, [one, dict(one)])
    assert [o.status for o in outcomes] == [ACCEPTED, DUPLICATE]


def test_one_bad_record_among_500_is_named_and_the_rest_land(testing):
    people = list(Person.objects.filter(id_number__isnull=False).order_by("id")[:500])
    commander = User.objects.get(username="commander")
    batch = [record(p, f"BULK{i // 10:05d}") for i, p in enumerate(people)]
    bad = batch[137]
    bad["id_number"] = bad["id_number"][:17] + ("0" if bad["id_number"][17] != "0" else "1")  # a wrong check digit
    outcomes = register(testing, batch, actor=commander)
    rejected = [o for o in outcomes if o.status == REJECTED]
    assert len(rejected) == 1 and rejected[0].client_id == bad["client_id"] and rejected[0].field == "id_number"
    assert "check digit" in rejected[0].reason or "校验" in rejected[0].reason
    assert Sample.objects.filter(client_id__in=[r["client_id"] for r in batch]).count() == 499
    entries = AuditLog.objects.filter(note="samples registered", object_id=str(testing.round.pk))
    assert entries.count() == 1 and entries.get().changes["accepted"] == 499  # one audit entry per batch


def test_malformed_codes_times_and_identities_are_refused_by_record(testing):
    person = testing.people[0]
    outcomes = register(testing, [
        record(person, "bad code!"),
        record(person, "GOOD00001", collected_at=(testing.now + datetime.timedelta(hours=1)).isoformat()),
        record(person, "GOOD00001", collected_at="yesterday"),
        record(None, "GOOD00001"),
        {"tube_code": "GOOD00001", "id_number": person.id_number},
        record(None, "GOOD00001", qr="FLP:forged"),
        "not a record",
    ])
    assert [o.status for o in outcomes] == [REJECTED] * 7
    assert [o.field for o in outcomes] == ["tube_code", "collected_at", "collected_at", "id_number", "client_id", "qr", ""]
    assert not Sample.objects.filter(person=person).exists()


def test_a_visitor_is_entered_by_hand_and_a_resident_by_qr(testing):
    first17 = "11010519900307001"
    number = first17 + id_check_char(first17)
    assert not Person.objects.filter(id_number=number).exists()
    nameless, visitor = register(testing, [record(None, "VISIT0001", id_number=number),
                                           record(None, "VISIT0001", id_number=number, name="王小明")])
    assert nameless.status == REJECTED and nameless.field == "name"
    assert visitor.status == ACCEPTED and visitor.masked_name == "王*明"
    sample = Sample.objects.get(pk=visitor.sample_id)
    assert sample.person.id_number == number and sample.grid_id is None  # no home here
    resident = testing.residents[3]
    (by_qr,) = register(testing, [record(None, "VISIT0001", qr=person_qr_token(resident.person_id))])
    assert by_qr.status == ACCEPTED and by_qr.masked_name == mask_name(resident.person.name)
    assert Sample.objects.get(pk=by_qr.sample_id).grid_id == resident.household.building.area_id


def test_a_tube_is_never_reused_at_another_site_or_after_sealing(testing, city):
    commander = User.objects.get(username="commander")
    other_site = Site.objects.create(kind="testing", name="第二采样点", area=testing.site.area)
    RoundSite.objects.create(round=testing.round, site=other_site, opens_at=testing.round.starts_at,
                             closes_at=testing.round.ends_at)
    register(testing, [record(testing.people[0], "REUSE0001")])
    (elsewhere,) = register(testing, [record(testing.people[1], "REUSE0001")], actor=commander, site=other_site)
    assert elsewhere.status == REJECTED and "another testing site" in elsewhere.reason or "其他采样点" in elsewhere.reason
    bag = Bag.objects.create(round=testing.round, code="BAG0001", site=testing.site, sealed_count=1,
                             sealed_at=testing.now)
    Tube.objects.filter(code="REUSE0001").update(bag=bag)
    (sealed,) = register(testing, [record(testing.people[2], "REUSE0001")])
    assert sealed.status == REJECTED and "BAG0001" in sealed.reason


def test_a_collector_registers_only_at_the_site_of_their_staffing(testing, city):
    other_site = Site.objects.create(kind="testing", name="别处采样点", area=city.sibling_grid)
    RoundSite.objects.create(round=testing.round, site=other_site, opens_at=testing.round.starts_at,
                             closes_at=testing.round.ends_at)
    with pytest.raises(PermissionDenied):
        sample_register(actor=testing.collector, testing_round=testing.round, site=other_site,
                        record=record(testing.people[0], "SITE00001"), now=testing.now)
    far = Site.objects.filter(kind="testing", area__path__startswith=city.other_district.path).first()
    with pytest.raises(BatchRefused) as refused:
        register(testing, [record(testing.people[0], "SITE00001")], site=far)
    assert refused.value.status == 404
    for username in ("volunteer", "transporter", "lab", "inspector"):
        with pytest.raises(BatchRefused) as refused:
            register(testing, [record(testing.people[0], "SITE00001")], actor=User.objects.get(username=username))
        assert refused.value.status == 403
    assert not Tube.objects.filter(code="SITE00001").exists()


def test_a_planned_round_and_an_empty_or_huge_batch_are_refused_whole(testing, settings):
    with pytest.raises(BatchRefused):
        register(testing, [])
    settings.FRONTLINE_SAMPLE_BATCH_MAX = 5
    with pytest.raises(BatchRefused) as refused:
        register(testing, [record(p) for p in testing.people[:6]])
    assert refused.value.status == 413
    testing.round.status = "planned"
    testing.round.save()
    with pytest.raises(BatchRefused) as refused:
        register(testing, [record(testing.people[0])])
    assert refused.value.status == 409
