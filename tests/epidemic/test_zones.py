"""Control zones: declaring, raising, lifting; the step-down rule at its edges with a controlled clock; the daily
proposals in the commanders' inboxes; sealed households; the zone figures; the pages and the demo."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontline.areas import figures
from frontline.areas.models import Area, Building
from frontline.core.models import AuditLog, WorkOrder
from frontline.core.selectors import inbox
from frontline.demo.control_zones import demo_zones_create
from frontline.epidemic import zones
from frontline.epidemic.models import Case, ControlZone, ZoneChange
from frontline.epidemic.sealed import people_in_sealed_zones, sealed_households
from frontline.people.models import Resident

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def t0():
    """A start well after every demo case, so only the cases a test adds count."""
    return timezone.now().replace(microsecond=0) + 60 * DAY


@pytest.fixture
def building(city):
    return Building.objects.filter(area=city.sibling_grid).order_by("id").first()


def _case(person, grid, at):
    return Case.objects.create(person=person, area=grid, grid=grid, opened_at=at, source="manual", status="closed",
                               closed_at=at + DAY)


def _resident(building):
    return Resident.objects.filter(household__building=building, moved_out__isnull=True).select_related("person").first()


def _seal(city, building, t0, actor="street"):
    return zones.zone_declare(actor=city.users[actor], area=building.area, building=building, level="sealed",
                              reason="楼内发现阳性病例", starts_at=t0, now=t0)


def test_declaring_a_building_names_it_from_the_place_writes_history_and_audit(city, building, t0):
    zone = _seal(city, building, t0)
    assert zone.name == f"{building.area.name}{building.name}"
    assert zone.area == building.area and zone.level_since == t0
    (change,) = zone.changes.all()
    assert (change.kind, change.from_level, change.to_level, change.by) == ("declared", "", "sealed", city.users["street"])
    assert AuditLog.objects.filter(object_id=str(zone.pk), action="create").exists()
    assert set(sealed_households(now=t0 + DAY).filter(building=building)) == set(building.households.all())
    resident = _resident(building)
    assert people_in_sealed_zones([resident.person_id], t0 + DAY) == {resident.person_id}


def test_one_open_zone_per_place_a_stricter_declaration_raises_it(city, building, t0):
    zone = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="controlled",
                              reason="管控", starts_at=t0, now=t0)
    with pytest.raises(ValidationError) as e:
        zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="precaution",
                           reason="再次", now=t0 + DAY)
    assert zone.name in " ".join(e.value.messages)
    raised = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed",
                                reason="新增病例", now=t0 + DAY)
    assert raised.pk == zone.pk and raised.level == "sealed" and raised.level_since == t0 + DAY
    assert list(raised.changes.values_list("kind", flat=True)) == ["declared", "raised"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        ControlZone.objects.create(area=building.area, building=building, name="x", level="sealed", reason="x",
                                   starts_at=t0, level_since=t0)


def test_a_place_outside_the_actors_area_gets_a_clear_answer(city, t0):
    far = Area.objects.filter(level="grid", path__startswith=city.other_district.path).first()
    with pytest.raises(ValidationError) as e:
        zones.zone_declare(actor=city.users["street"], area=far, level="sealed", reason="x", now=t0)
    assert far.name in " ".join(e.value.messages)
    other = Building.objects.filter(area=city.sibling_grid).first()
    with pytest.raises(ValidationError) as e:
        zones.zone_declare(actor=city.users["street"], area=city.grid, building=other, level="sealed", reason="x", now=t0)
    assert "building" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        zones.zone_declare(actor=city.users["grid"], area=city.grid, level="sealed", reason="x", now=t0)


def test_sealed_steps_down_after_exactly_seven_full_days(city, building, t0):
    zone = _seal(city, building, t0)
    commander = city.users["commander"]
    early = t0 + 6 * DAY + datetime.timedelta(hours=23)
    assert zone not in [s.zone for s in zones.zones_due(commander, timezone.localdate(t0 + 6 * DAY), early)]
    with pytest.raises(ValidationError) as e:
        zones.zone_step_down(actor=commander, zone=zone, now=early)
    message = " ".join(e.value.messages)
    assert zone.name in message and timezone.localtime(t0 + 7 * DAY).strftime("%Y-%m-%d %H:%M") in message
    assert ControlZone.objects.get(pk=zone.pk).level == "sealed"
    due = zones.zones_due(commander, timezone.localdate(t0 + 7 * DAY), t0 + 7 * DAY)
    assert [s.due_at for s in due if s.zone.pk == zone.pk] == [t0 + 7 * DAY]
    zones.zone_step_down(actor=commander, zone=zone, now=t0 + 7 * DAY)
    zone.refresh_from_db()
    assert (zone.level, zone.level_since) == ("controlled", t0 + 7 * DAY)
    assert zone.changes.last().kind == "stepped_down"


def test_a_case_on_day_five_restarts_the_count_then_three_days_to_precaution(city, building, t0):
    zone = _seal(city, building, t0)
    commander = city.users["commander"]
    _case(_resident(building).person, building.area, t0 + 5 * DAY)
    with pytest.raises(ValidationError):
        zones.zone_step_down(actor=commander, zone=zone, now=t0 + 7 * DAY)
    assert not [s for s in zones.zones_due(commander, timezone.localdate(t0 + 7 * DAY), t0 + 7 * DAY)
                if s.zone.pk == zone.pk]
    with pytest.raises(ValidationError):
        zones.zone_step_down(actor=commander, zone=zone, now=t0 + 12 * DAY - datetime.timedelta(minutes=1))
    zones.zone_step_down(actor=commander, zone=zone, now=t0 + 12 * DAY)
    with pytest.raises(ValidationError):  # controlled: 3 more days
        zones.zone_step_down(actor=commander, zone=zone, now=t0 + 15 * DAY - datetime.timedelta(seconds=1))
    zones.zone_step_down(actor=commander, zone=zone, now=t0 + 15 * DAY)
    zone.refresh_from_db()
    assert zone.level == "precaution"
    with pytest.raises(ValidationError):  # nothing below precaution: it is lifted
        zones.zone_step_down(actor=commander, zone=zone, now=t0 + 30 * DAY)
    assert list(zone.changes.values_list("to_level", flat=True)) == ["sealed", "controlled", "precaution"]


def test_only_a_commander_confirms_a_step_down(city, building, t0):
    zone = _seal(city, building, t0)
    with pytest.raises(PermissionDenied):
        zones.zone_step_down(actor=city.users["street"], zone=zone, now=t0 + 8 * DAY)


def test_a_case_elsewhere_does_not_restart_the_count(city, building, t0):
    zone = _seal(city, building, t0)
    elsewhere = Building.objects.filter(area=city.grid).order_by("id").first()
    _case(_resident(elsewhere).person, city.grid, t0 + 5 * DAY)
    zones.zone_step_down(actor=city.users["commander"], zone=zone, now=t0 + 7 * DAY)


def test_an_area_zone_counts_cases_by_residence_or_grid(city, t0):
    zone = zones.zone_declare(actor=city.users["street"], area=city.sibling_grid, level="sealed", reason="x",
                              starts_at=t0, now=t0)
    building = Building.objects.filter(area=city.sibling_grid).order_by("-id").first()
    _case(_resident(building).person, city.sibling_grid, t0 + 2 * DAY)
    assert zones.zone_step_down_now(zone, t0 + 3 * DAY).due_at == t0 + 9 * DAY


def test_raise_and_lift_with_notes_close_the_proposal(city, building, t0):
    zone = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="controlled",
                              reason="管控", starts_at=t0, now=t0)
    with pytest.raises(ValidationError) as e:
        zones.zone_raise(actor=city.users["street"], zone=zone, level="precaution", note="x", now=t0 + DAY)
    assert "level" in e.value.message_dict
    with pytest.raises(ValidationError):
        zones.zone_lift(actor=city.users["street"], zone=zone, note=" ", now=t0 + DAY)
    zones.zone_lift(actor=city.users["street"], zone=zone, note="风险解除", now=t0 + 2 * DAY)
    zone.refresh_from_db()
    assert zone.ends_at == t0 + 2 * DAY
    assert zone.changes.last().note == "风险解除"
    with pytest.raises(ValidationError):
        zones.zone_lift(actor=city.users["street"], zone=zone, note="again", now=t0 + 3 * DAY)
    # lifted: the place may be declared again
    zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed", reason="再封",
                       now=t0 + 3 * DAY)


def test_the_daily_task_proposes_once_in_the_commanders_inbox_and_confirming_closes_it(city, building, t0):
    zone = _seal(city, building, t0)
    now = t0 + 7 * DAY + datetime.timedelta(hours=1)
    orders = zones.zone_step_down_orders_create(now=now)
    mine = [o for o in orders if o.subject_id == zone.pk]
    assert len(mine) == 1 and mine[0].kind == "zone_step_down" and zone.name in mine[0].title
    assert zones.zone_step_down_orders_create(now=now) == []  # no duplicates
    commander = city.users["commander"]
    assert mine[0] in inbox(actor=commander)
    client = Client()
    client.force_login(commander)
    response = client.get(reverse("zone_step_down_order", args=[mine[0].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("zone_step_down", args=[zone.pk])
    zones.zone_step_down(actor=commander, zone=zone, now=now)
    assert WorkOrder.objects.get(pk=mine[0].pk).status == "done"


def test_zone_figures_count_in_force_by_area_and_places_once(city, building, t0):
    commander = city.users["commander"]
    before = figures.figure_table(actor=commander, area=city.sibling_grid, codes=["zones_sealed"]).total["zones_sealed"]
    now = timezone.now()
    zone = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed",
                              reason="x", starts_at=now - 3 * DAY, now=now - 3 * DAY)
    table = figures.figure_table(actor=commander, area=city.sibling_grid, codes=["zones_sealed", "zones_controlled"])
    assert table.total["zones_sealed"] == before + 1
    assert dict(table.children)[building]["zones_sealed"] >= 1
    # as of the day before it started: not yet
    past = figures.figure_table(actor=commander, area=city.sibling_grid, codes=["zones_sealed"],
                                at=timezone.localdate(now - 5 * DAY))
    assert past.total["zones_sealed"] == before
    zones.zone_lift(actor=city.users["street"], zone=zone, note="解除", now=now - 2 * DAY)
    zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed",
                       reason="再封", starts_at=now - DAY, now=now - DAY)
    period = figures.Period(timezone.localdate(now - 4 * DAY), timezone.localdate(now))
    assisted = figures.figure_table(actor=commander, area=city.sibling_grid, codes=["compounds_assisted"],
                                    period=period)
    outside = figures.Period(timezone.localdate(now - 30 * DAY), timezone.localdate(now - 20 * DAY))
    none = figures.figure_table(actor=commander, area=city.sibling_grid, codes=["compounds_assisted"], period=outside)
    assert assisted.total["compounds_assisted"] - none.total["compounds_assisted"] >= 1
    assert dict(assisted.children)[building]["compounds_assisted"] == 1  # sealed twice, one place


def test_pages_list_detail_forms_and_households(city, building, t0):
    street = Client()
    street.force_login(city.users["street"])
    response = street.post(reverse("zone_declare", args=[building.area.pk]),
                           {"level": "sealed", "building": building.pk, "reason": "楼内阳性"})
    assert response.status_code == 302
    zone = ControlZone.objects.get(building=building, ends_at__isnull=True)
    page = street.get(reverse("zone_list") + f"?area={building.area.pk}").content.decode()
    assert zone.name in page
    detail = street.get(reverse("zone_detail", args=[zone.pk])).content.decode()
    assert 'data-testid="zone-history"' in detail and 'data-testid="zone-households-count"' in detail
    response = street.post(reverse("zone_declare", args=[building.area.pk]),
                           {"level": "sealed", "building": building.pk, "reason": "再次"})
    assert response.status_code == 200 and zone.name in response.content.decode()
    households = street.get(reverse("zone_households", args=[zone.pk]))
    text = households.content.decode()
    resident = _resident(building)
    assert resident.person.name not in text and resident.person.name[0] in text
    assert AuditLog.objects.filter(object_id=str(zone.pk), note="zone households listed").exists()
    marked = street.get(reverse("building_detail", args=[building.pk])).content.decode()
    assert 'data-testid="sealed-mark"' in marked
    home = street.get(reverse("household_detail", args=[resident.household_id])).content.decode()
    assert 'data-testid="sealed-mark"' in home
    response = street.post(reverse("zone_lift", args=[zone.pk]), {"note": ""})
    assert response.status_code == 200
    street.post(reverse("zone_lift", args=[zone.pk]), {"note": "解除"})
    assert ControlZone.objects.get(pk=zone.pk).ends_at is not None


def test_a_step_down_before_its_time_on_the_page_says_when(city, building):
    now = timezone.now()
    zone = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed",
                              reason="x", starts_at=now - 2 * DAY, now=now - 2 * DAY)
    client = Client()
    client.force_login(city.users["commander"])
    response = client.post(reverse("zone_step_down", args=[zone.pk]), {"note": ""})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    assert ControlZone.objects.get(pk=zone.pk).level == "sealed"


def test_the_demo_has_a_sealed_building_due_today_for_the_commander(city):
    demo_zones_create()
    demo_zones_create()  # once only
    assert ControlZone.objects.filter(area__path__startswith=city.community.path).count() == 3
    due = zones.zones_due(city.users["commander"])
    sealed = [s for s in due if s.zone.level == "sealed" and s.zone.area.path.startswith(city.community.path)]
    assert sealed and sealed[0].to_level == "controlled"
    assert ControlZone.objects.filter(area=city.community, level="precaution", ends_at__isnull=True).exists()
    assert ZoneChange.objects.filter(kind="stepped_down", zone__area__path__startswith=city.community.path).exists()
    client = Client()
    client.force_login(city.users["commander"])
    assert client.post(reverse("zone_step_down", args=[sealed[0].zone.pk]), {"note": "确认"}).status_code == 302
    assert ControlZone.objects.get(pk=sealed[0].zone.pk).level == "controlled"


def test_the_daily_task_is_registered_and_runs_once(city, building):
    from django.utils.module_loading import import_string

    from frontline.core import plugins

    scheduled = plugins.scheduled_tasks["zone-step-down-proposals"]
    assert scheduled.every == DAY
    now = timezone.now()
    zone = zones.zone_declare(actor=city.users["street"], area=building.area, building=building, level="sealed",
                              reason="x", starts_at=now - 8 * DAY, now=now - 8 * DAY)
    task = import_string(scheduled.task)
    assert task() >= 1
    assert task() == 0
    assert WorkOrder.objects.filter(kind="zone_step_down", subject_id=zone.pk, status="open").count() == 1
    zones.zone_lift(actor=city.users["street"], zone=zone, note="解除")  # lifting closes the proposal
    assert not WorkOrder.objects.filter(kind="zone_step_down", subject_id=zone.pk, status="open").exists()


def test_the_list_puts_the_zones_due_today_first(city):
    now = timezone.now()
    first, second = Building.objects.filter(area=city.sibling_grid).order_by("id")[:2]
    fresh = zones.zone_declare(actor=city.users["street"], area=city.sibling_grid, building=first, level="sealed",
                               reason="x", now=now)
    due = zones.zone_declare(actor=city.users["street"], area=city.sibling_grid, building=second, level="controlled",
                             reason="x", starts_at=now - 4 * DAY, now=now - 4 * DAY)
    rows = zones.zone_list(actor=city.users["secretary"], area=city.sibling_grid, now=now)
    assert [r.zone for r in rows[:2]] == [due, fresh] and rows[0].due_today and not rows[1].due_today
    assert rows[0].step_down.to_level == "precaution"


def test_a_grid_worker_sees_the_zones_of_their_grid_but_declares_none(city, building):
    zone = zones.zone_declare(actor=city.users["street"], area=city.grid,
                              building=Building.objects.filter(area=city.grid).first(), level="sealed", reason="x")
    client = Client()
    client.force_login(city.users["grid"])
    assert client.get(reverse("zone_detail", args=[zone.pk])).status_code == 200
    assert client.get(reverse("zone_declare", args=[city.grid.pk])).status_code == 403
    assert client.post(reverse("zone_lift", args=[zone.pk]), {"note": "x"}).status_code == 403
    far = ControlZone.objects.filter(building=building)  # none: the sibling grid is not theirs either way
    assert not far.exists()
    other = zones.zone_declare(actor=city.users["street"], area=city.sibling_grid, building=building, level="sealed",
                               reason="x")
    assert client.get(reverse("zone_detail", args=[other.pk])).status_code == 404


def test_the_zone_list_page_does_not_grow_its_queries_with_its_zones(city, django_assert_max_num_queries):
    client = Client()
    client.force_login(city.users["street"])
    url = reverse("zone_list") + f"?area={city.sibling_grid.pk}"
    client.get(url)
    for building in Building.objects.filter(area=city.sibling_grid).order_by("id")[:3]:
        zones.zone_declare(actor=city.users["street"], area=city.sibling_grid, building=building, level="sealed",
                           reason="x")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count('data-testid="zone-row"') >= 2


def test_the_zone_figures_equal_an_independent_count(city):
    from tests.areas.test_figures import raw_under

    demo_zones_create()
    for level in ("sealed", "controlled", "precaution"):
        code = f"zones_{level}"
        for area in (city.city, city.community, city.grid):
            table = figures.figure_table(actor=city.users["commander"], area=area, codes=[code])
            assert table.total[code] == raw_under(code, area) == (1 if area != city.grid or level == "sealed" else 0)


def test_a_proposal_no_longer_due_after_a_new_case_is_closed_by_the_next_run(city, building, t0):
    zone = _seal(city, building, t0)
    (order,) = [o for o in zones.zone_step_down_orders_create(now=t0 + 7 * DAY) if o.subject_id == zone.pk]
    _case(_resident(building).person, building.area, t0 + 7 * DAY + datetime.timedelta(hours=1))
    zones.zone_step_down_orders_create(now=t0 + 7 * DAY + datetime.timedelta(hours=2))
    assert WorkOrder.objects.get(pk=order.pk).status == "done"
    with pytest.raises(ValidationError):
        zones.zone_step_down(actor=city.users["commander"], zone=zone, now=t0 + 8 * DAY)
