"""Control measures: isolation rooms never overbooked (at the edge, and two staff giving the last bed at once on
PostgreSQL), stronger replaces weaker, transfers, daily health records and their bounds, the release at its
edges, the proposals of the releases due, the figures equal to their rows, and the pages at work."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone, translation

from frontline.areas import figures
from frontline.areas.models import Site, SiteKind
from frontline.core.models import User, WorkOrder
from frontline.epidemic import isolation, measures
from frontline.epidemic.models import ControlMeasure, HealthRecord, IsolationRoom, MeasureKind
from frontline.people.models import Resident


def _people(city, n, grid=None):
    busy = ControlMeasure.objects.filter(released_at__isnull=True).values("person")
    return [r.person for r in Resident.objects.filter(household__building__area=grid or city.grid, moved_out__isnull=True)
            .exclude(person__in=busy).select_related("person").order_by("-id")[:n]]


def _site(city):
    return Site.objects.get(kind=SiteKind.ISOLATION, area=city.street)


def _room(city, number="901", beds=2):
    (room,) = isolation.rooms_add(actor=city.users["street"], site=_site(city), spec=number, beds=beds)
    return IsolationRoom.objects.select_related("site").get(pk=room.pk)


@pytest.mark.django_db
def test_a_two_bed_room_takes_two_and_refuses_the_third_naming_the_site_and_room(city):
    room = _room(city)
    a, b, c = _people(city, 3)
    epi = User.objects.get(username="epi")
    for p in (a, b):
        isolation.measure_isolate(actor=epi, person=p, room=room)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        isolation.measure_isolate(actor=epi, person=c, room=room)
    assert f"{room.site.name}901室已满" in e.value.messages[0]
    assert isolation.in_force().filter(room=room).count() == 2
    assert not ControlMeasure.objects.filter(person=c).exists()


@pytest.mark.django_db
def test_the_last_bed_given_twice_in_turn_goes_to_the_first_only(city):
    """SQLite's variant of the PostgreSQL race below: its writers are serialized (IMMEDIATE transactions)."""
    room = _room(city, "902", beds=1)
    a, b = _people(city, 2)
    isolation.measure_isolate(actor=None, person=a, room=room)
    with pytest.raises(ValidationError):
        isolation.measure_isolate(actor=None, person=b, room=room)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: runs in the PostgreSQL phase of CI")
@pytest.mark.django_db(transaction=True)
def test_two_staff_giving_the_last_bed_at_once_never_overbook_it(live_city):
    """Two connections, a barrier, both ask for the room's last bed: exactly one wins, the other is told the
    room is full."""
    site = Site.objects.filter(kind=SiteKind.ISOLATION).order_by("id").first()
    room = IsolationRoom.objects.create(site=site, number="999", beds=2)
    busy = ControlMeasure.objects.filter(released_at__isnull=True).values("person")
    first, *pair = [r.person for r in Resident.objects.exclude(person__in=busy).order_by("id")[:3]]
    isolation.measure_isolate(actor=None, person=first, room=room)  # one bed left
    barrier, outcomes = threading.Barrier(2), []

    def assign(person):
        try:
            with translation.override("zh-hans"):
                barrier.wait()
                isolation.measure_isolate(actor=None, person=person, room=room)
            outcomes.append("ok")
        except ValidationError as e:
            outcomes.append(e.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(p,)) for p in pair]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=lambda o: o != "ok") == ["ok", f"{site.name}999室已满。"]
    assert isolation.in_force().filter(room=room).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: runs in the PostgreSQL phase of CI")
@pytest.mark.django_db(transaction=True)
def test_two_staff_asking_a_site_for_a_bed_at_once_get_different_rooms(live_city):
    site = Site.objects.create(kind=SiteKind.ISOLATION, name="并发隔离点",
                               area=Site.objects.filter(kind=SiteKind.ISOLATION).first().area)
    IsolationRoom.objects.bulk_create([IsolationRoom(site=site, number=n, beds=1) for n in ("1", "2")])
    busy = ControlMeasure.objects.filter(released_at__isnull=True).values("person")
    people = [r.person for r in Resident.objects.exclude(person__in=busy).order_by("id")[:3]]
    barrier, outcomes = threading.Barrier(3), []

    def assign(person):
        try:
            barrier.wait()
            outcomes.append(isolation.measure_isolate(actor=None, person=person, site=site).room.number)
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["1", "2", "full"]


@pytest.mark.django_db
def test_a_site_without_a_room_given_takes_the_first_free_bed_and_refuses_when_full(city):
    site = Site.objects.create(kind=SiteKind.ISOLATION, name="小隔离点", area=city.community)
    street = city.users["street"]
    isolation.rooms_add(actor=street, site=site, spec="1-2", beds=1)
    a, b, c = _people(city, 3)
    assert isolation.measure_isolate(actor=street, person=a, site=site).room.number == "1"
    assert isolation.measure_isolate(actor=street, person=b, site=site).room.number == "2"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        isolation.measure_isolate(actor=street, person=c, site=site)
    assert "小隔离点" in e.value.messages[0]


@pytest.mark.django_db
def test_centralized_isolation_releases_the_home_measure_and_home_measures_never_replace_it(city):
    room = _room(city, "903")
    (p,) = _people(city, 1)
    grid = city.grid
    (home,) = measures.measures_place(actor=None, rows=[measures.MeasureRow(
        person_id=p.pk, kind=MeasureKind.HOME_MONITORING, area_id=grid.pk, grid_id=grid.pk)])
    m = isolation.measure_isolate(actor=None, person=p, room=room)
    home.refresh_from_db()
    assert home.released_at is not None and m.grid == grid and m.area == room.site.area
    assert measures.measures_place(actor=None, rows=[measures.MeasureRow(
        person_id=p.pk, kind=MeasureKind.HOME_ISOLATION, area_id=grid.pk, grid_id=grid.pk)]) == []
    with pytest.raises(ValidationError):
        isolation.measure_isolate(actor=None, person=p, room=_room(city, "904"))


@pytest.mark.django_db
def test_transfer_moves_to_a_free_bed_and_refuses_a_full_room(city):
    a_room, b_room = _room(city, "905", 1), _room(city, "906", 1)
    a, b = _people(city, 2)
    m = isolation.measure_isolate(actor=None, person=a, room=a_room)
    isolation.measure_isolate(actor=None, person=b, room=b_room)
    with pytest.raises(ValidationError):
        isolation.measure_transfer(actor=city.users["street"], measure=m, room=b_room)
    c_room = _room(city, "907", 1)
    isolation.measure_transfer(actor=city.users["street"], measure=m, room=c_room)
    assert ControlMeasure.objects.get(pk=m.pk).room == c_room
    isolation.measure_isolate(actor=None, person=_people(city, 1)[0], room=a_room)  # the old bed is free


@pytest.mark.django_db
def test_rooms_in_bulk_and_their_refusals(city):
    site, street = _site(city), city.users["street"]
    assert isolation.parse_room_numbers("301-303, 310") == ["301", "302", "303", "310"]
    assert len(isolation.rooms_add(actor=street, site=site, spec="401-430", beds=2)) == 30
    with pytest.raises(ValidationError, match="430"):
        isolation.rooms_add(actor=street, site=site, spec="430-431", beds=1)
    for bad in ("5-1", "1-900", "房间"):
        with pytest.raises(ValidationError):
            isolation.parse_room_numbers(bad)
    with pytest.raises(PermissionDenied):
        isolation.rooms_add(actor=city.users["district2"], site=site, spec="501", beds=1)
    with pytest.raises(PermissionDenied):
        isolation.rooms_add(actor=city.users["grid"], site=site, spec="501", beds=1)


@pytest.mark.django_db
def test_capacity_is_the_beds_of_rooms_in_service(city):
    room = _room(city, "908", 3)
    (p,) = _people(city, 1)
    isolation.measure_isolate(actor=None, person=p, room=room)
    with pytest.raises(ValidationError):
        isolation.room_update(actor=city.users["street"], room=room, out_of_service=True)
    before = isolation.site_capacity([room.site_id])[room.site_id]
    spare = _room(city, "909", 2)
    isolation.room_update(actor=city.users["street"], room=spare, out_of_service=True)
    assert isolation.site_capacity([room.site_id])[room.site_id] == before
    with pytest.raises(ValidationError, match="停用|out of service"):
        isolation.measure_isolate(actor=None, person=_people(city, 1)[0], room=spare)


def _home(city, person, start):
    (m,) = measures.measures_place(actor=None, now=start, rows=[measures.MeasureRow(
        person_id=person.pk, kind=MeasureKind.HOME_MONITORING, area_id=city.grid.pk, grid_id=city.grid.pk)])
    return m


@pytest.mark.django_db
def test_health_records_keep_the_entrance_checks_bounds_and_once_a_day(city):
    now = timezone.now()
    m = _home(city, _people(city, 1)[0], now - datetime.timedelta(days=1))
    grid = city.users["grid"]
    for bad in ("33.9", "43.1", "abc", "25", "45"):
        with pytest.raises(ValidationError):
            isolation.health_record(actor=grid, measure=m, temperature=bad, now=now)
    isolation.health_record(actor=grid, measure=m, temperature="34.0", now=now)
    isolation.health_record(actor=grid, measure=m, temperature="43.0", symptoms="咳嗽", now=now)  # corrects it
    record = HealthRecord.objects.get(measure=m)
    assert str(record.temperature) == "43.0" and record.symptoms == "咳嗽"
    with pytest.raises(ValidationError):
        isolation.health_record(actor=grid, measure=m, temperature="36.5",
                                day=timezone.localdate(now) + datetime.timedelta(days=1), now=now)
    with pytest.raises(PermissionDenied):  # another grid's worker, and a district's commander elsewhere
        isolation.health_record(actor=city.users["grid2"], measure=m, temperature="36.5", now=now)
    with pytest.raises(PermissionDenied):
        isolation.health_record(actor=city.users["district2"], measure=m, temperature="36.5", now=now)


@pytest.mark.django_db
def test_the_grid_workers_list_shows_their_people_under_home_measures_today(city, client_for):
    now = timezone.now()
    m = _home(city, _people(city, 1)[0], now - datetime.timedelta(days=1))
    rows = isolation.health_today(actor=city.users["grid"])
    assert m.pk in [r.measure.pk for r in rows]
    assert not any(r.measure.kind == MeasureKind.CENTRALIZED for r in rows)
    assert m.pk not in [r.measure.pk for r in isolation.health_today(actor=city.users["grid2"])]
    client = client_for("grid")
    page = client.get("/measures/health/").content.decode()
    assert isolation.mask_name(m.person.name) in page and m.person.name not in page
    assert m.person.id_number not in page
    response = client.post(f"/measures/{m.pk}/health/", {"temperature": "36.6", "test_result": "negative"})
    assert response.status_code == 302
    assert HealthRecord.objects.get(measure=m, day=timezone.localdate()).test_result == "negative"
    assert client.post(f"/measures/{m.pk}/health/", {"temperature": "25"}).status_code == 400
    assert client.get(f"/measures/{m.pk}/").status_code == 403  # no view_cases: the measure's page is not theirs


@pytest.mark.django_db
def test_release_at_its_edges(city):
    start = timezone.now() - datetime.timedelta(days=10)
    day0 = timezone.localdate(start)
    m = _home(city, _people(city, 1)[0], start)
    epi = User.objects.get(username="epi")
    at = lambda d: start + datetime.timedelta(days=d)  # noqa: E731
    isolation.health_record(actor=None, measure=m, test_result="negative", day=day0 + datetime.timedelta(days=1), now=at(8))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:  # one negative
        isolation.measure_release_confirm(actor=epi, measure=m, now=at(8))
    assert "2" in e.value.messages[0] and "1" in e.value.messages[0]
    HealthRecord.objects.filter(measure=m).update(day=day0 + datetime.timedelta(days=2))
    isolation.health_record(actor=None, measure=m, test_result="negative", symptoms="", day=day0 + datetime.timedelta(days=2),
                            now=at(8))  # a second one the same day corrects the first: still one day
    assert len(isolation.negative_days(m)) == 1
    with pytest.raises(ValidationError):
        isolation.measure_release_confirm(actor=epi, measure=m, now=at(8))
    isolation.health_record(actor=None, measure=m, test_result="negative", day=day0 + datetime.timedelta(days=3), now=at(8))
    planned = m.planned_until
    with pytest.raises(ValidationError, match=planned.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")):
        isolation.measure_release_confirm(actor=epi, measure=m, now=planned - datetime.timedelta(seconds=1))
    with pytest.raises(PermissionDenied):
        isolation.measure_release_confirm(actor=city.users["grid"], measure=m, now=planned)
    released = isolation.measure_release_confirm(actor=epi, measure=m, now=planned)
    assert released.released_at == planned


@pytest.mark.django_db
def test_the_daily_task_proposes_due_releases_once_and_the_release_closes_the_order(city):
    start = timezone.now() - datetime.timedelta(days=10)
    room = _room(city, "910", 1)
    (p,) = _people(city, 1)
    m = isolation.measure_isolate(actor=None, person=p, room=room, now=start)
    for d in (1, 2):
        isolation.health_record(actor=None, measure=m, test_result="negative",
                                day=timezone.localdate(start) + datetime.timedelta(days=d), now=timezone.now())
    assert isolation.releases_propose() >= 1
    assert isolation.releases_propose() == 0
    order = WorkOrder.objects.get(kind=isolation.MEASURE_RELEASE, subject_id=m.pk)
    assert order.assignee_role == "street_officer" and order.area == room.site.area
    epi = User.objects.get(username="epi")
    isolation.measure_release_confirm(actor=epi, measure=m)
    order.refresh_from_db()
    assert order.status == "done"
    isolation.measure_isolate(actor=None, person=_people(city, 1)[0], room=room)  # the bed is free again


@pytest.mark.django_db
def test_the_figures_equal_the_rows(city):
    (p,) = _people(city, 1)
    isolation.measure_isolate(actor=None, person=p, room=_room(city, "911", 2))
    codes = ["measures_centralized", "measures_home_isolation", "measures_home_monitoring", "isolation_beds",
             "isolation_beds_free"]
    table = figures.figure_table(actor=city.users["commander"], area=city.city, codes=codes)
    live = isolation.in_force()
    for kind in MeasureKind.values:
        assert table.total[f"measures_{kind}"] == live.filter(kind=kind).count()
    rooms = list(IsolationRoom.objects.filter(site__kind=SiteKind.ISOLATION, out_of_service=False))
    assert table.total["isolation_beds"] == sum(r.beds for r in rooms)
    assert table.total["isolation_beds_free"] == sum(r.beds - live.filter(room=r).count() for r in rooms)
    assert table.total["measures_centralized"] >= 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = figures.figure_table(actor=city.users["commander"], area=city.city, codes=codes[:3], at=yesterday)
    end = figures.Period(yesterday, yesterday).bounds()[1]
    assert past.total["measures_centralized"] == isolation.in_force(end).filter(kind="centralized").count()


@pytest.mark.django_db
def test_the_demo_site_is_partly_occupied_with_one_room_at_one_bed_left(city):
    from frontline.demo.control_isolation import demo_isolation_create

    demo_isolation_create()
    demo_isolation_create()  # once: the second run leaves it as it is
    rooms = isolation.site_rooms(actor=city.users["street"], site=_site(city))
    assert any(r.room.beds == 2 and len(r.occupants) == 1 for r in rooms)
    assert sum(len(r.occupants) for r in rooms) >= 3
    home = isolation.health_today(actor=city.users["grid"])
    assert len(home) >= 3 and any(r.record is None for r in home) and any(r.record for r in home)


@pytest.mark.django_db
def test_the_pages_at_work(city, client_for):
    street = client_for("street")
    site = _site(city)
    page = street.get("/measures/").content.decode()
    assert site.name in page and 'data-testid="count-centralized"' in page
    listing = street.get(f"/measures/?area={city.street.pk}&kind=centralized").content.decode()
    assert 'data-testid="measures"' in listing
    detail = street.get(f"/isolation/sites/{site.pk}/").content.decode()
    assert 'data-testid="rooms"' in detail
    assert street.post(f"/isolation/sites/{site.pk}/rooms/", {"rooms": "801-803", "beds": "2"}).status_code == 302
    assert IsolationRoom.objects.filter(site=site, number__in=["801", "802", "803"], beds=2).count() == 3
    (p,) = _people(city, 1)
    form = street.post(f"/isolation/sites/{site.pk}/assign/", {"find": "1", "id_number": p.id_number}).content.decode()
    assert isolation.mask_name(p.name) in form and p.id_number not in form
    room = IsolationRoom.objects.get(site=site, number="801")
    assert street.post(f"/isolation/sites/{site.pk}/assign/", {"person": p.pk, "room": room.pk}).status_code == 302
    m = ControlMeasure.objects.get(person=p, released_at__isnull=True)
    assert m.room == room
    page = street.get(f"/measures/{m.pk}/").content.decode()
    assert 'data-testid="release-missing"' in page
    assert street.post(f"/measures/{m.pk}/release/").status_code == 302
    assert ControlMeasure.objects.get(pk=m.pk).released_at is None
    assert client_for("district2").get(f"/isolation/sites/{site.pk}/").status_code == 404
