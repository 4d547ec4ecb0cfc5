"""Hostile forms on the control pages: a room that is not a number, beyond any key or of another site, a zone
declared from year 1 — each a Chinese message and nothing written, never a 500."""

import pytest

from frontline.areas.models import Site, SiteKind
from frontline.epidemic import isolation
from frontline.epidemic.models import ControlMeasure, ControlZone
from frontline.people.models import Resident

HUGE = "99999999999999999999"


def _person(city):
    return (Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
            .exclude(person__control_measures__isnull=False).select_related("person").first().person)


@pytest.mark.parametrize("room", ["abc", "<script>", HUGE, "-1"])
def test_assigning_a_room_that_names_none_of_the_site_s_rooms_is_refused_in_chinese(city, client_for, room):
    site = Site.objects.get(kind=SiteKind.ISOLATION, area=city.street)
    person = _person(city)
    response = client_for("street").post(f"/isolation/sites/{site.pk}/assign/", {"person": person.pk, "room": room},
                                         follow=True)
    assert response.status_code == 400
    assert f"所选房间不是{site.name}的房间" in response.content.decode()
    assert not ControlMeasure.objects.filter(person=person).exists()


def test_assigning_another_site_s_room_is_refused(city, client_for):
    site = Site.objects.get(kind=SiteKind.ISOLATION, area=city.street)
    other = Site.objects.create(kind=SiteKind.ISOLATION, name="别处隔离点", area=city.street)
    (room,) = isolation.rooms_add(actor=city.users["street"], site=other, spec="101", beds=1)
    person = _person(city)
    response = client_for("street").post(f"/isolation/sites/{site.pk}/assign/", {"person": person.pk, "room": room.pk})
    assert response.status_code == 400 and not ControlMeasure.objects.filter(person=person).exists()


@pytest.mark.parametrize("room", ["abc", HUGE])
def test_a_transfer_to_a_room_that_is_not_a_number_asks_for_a_room(city, client_for, room):
    site = Site.objects.get(kind=SiteKind.ISOLATION, area=city.street)
    (first,) = isolation.rooms_add(actor=city.users["street"], site=site, spec="901", beds=1)
    measure = isolation.measure_isolate(actor=city.users["street"], person=_person(city), room=first, site=site)
    response = client_for("street").post(f"/measures/{measure.pk}/transfer/", {"room": room}, follow=True)
    assert response.status_code == 200 and "请选择房间" in response.content.decode()
    assert ControlMeasure.objects.get(pk=measure.pk).room_id == first.pk


@pytest.mark.parametrize("when", ["0001-01-01 00:00", "9999-12-31 23:59"])
def test_a_zone_declared_to_start_in_year_1_is_refused_naming_the_date(city, client_for, when):
    response = client_for("street").post(f"/zones/new/{city.grid.pk}/",
                                         {"level": "sealed", "reason": "x", "starts_at": when})
    assert response.status_code in (200, 400)
    assert "开始时间须在 2000 年至 2099 年之间" in response.content.decode()
    assert not ControlZone.objects.filter(reason="x").exists()
