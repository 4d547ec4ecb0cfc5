"""Coverage of a testing round: the target from the rows (exemptions, moves), tested of target by grid rolled up
by area, the untested list (masked, audited, scoped), door-knocking work orders made once and closed by sampling,
the figures and the area panel."""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.areas.figures import Period, figure_table
from frontline.areas.models import Area, AreaFigure, Site
from frontline.core.models import AuditLog, WorkOrder, WorkOrderEvent
from frontline.epidemic import coverage
from frontline.epidemic.coverage import (
    UNTESTED,
    coverage_by_grid,
    mask_name,
    rollup,
    round_coverage,
    untested_orders_close_for,
    untested_orders_create,
)
from frontline.epidemic.models import DoorKnock, RoundArea, RoundExemption, Sample, TestingRound, Tube
from frontline.people.models import Resident
from frontline.people.services import resident_move_out
from tests.access import api_client

_ids = itertools.count(1)


def make_round(areas, *, name="全员核酸检测", started_hours_ago=2, organised_by=None):
    """A round under way since a little while (every other round of the test city moved into the past)."""
    now = timezone.now()
    TestingRound.objects.update(starts_at=now - datetime.timedelta(days=10), ends_at=now - datetime.timedelta(days=9))
    testing_round = TestingRound.objects.create(name=name, area=organised_by or areas[0],
                                                starts_at=now - datetime.timedelta(hours=started_hours_ago),
                                                ends_at=now + datetime.timedelta(days=1), pool_size=10, status="open")
    RoundArea.objects.bulk_create([RoundArea(round=testing_round, area=a) for a in areas])
    return testing_round


def sample(testing_round, people, *, kind="routine", at=None):
    """Samples straight into the table (as the set-based registration writes them)."""
    site = Site.objects.filter(kind="testing").first() or Site.objects.create(
        kind="testing", name="采样点", area=testing_round.area)
    tube = Tube.objects.create(round=testing_round, code=f"T{next(_ids):08d}", site=site, pool_size=20,
                               opened_at=timezone.now())
    at = at or timezone.now()
    Sample.objects.bulk_create([Sample(round=testing_round, tube=tube, person=p, kind=kind, client_id=f"c{next(_ids)}",
                                       site=site, grid=grid_of(p), collected_at=at, received_at=at) for p in people])


def grid_of(person):
    r = Resident.objects.filter(person=person, moved_out__isnull=True).select_related("household__building").first()
    return r.household.building.area if r else None


def residents(area):
    return list(Resident.objects.filter(household__building__area__path__startswith=area.path, moved_out__isnull=True)
                .select_related("person").order_by("id"))


@pytest.fixture
def community_round(city):
    return make_round([city.community])


def test_target_keeps_door_to_door_exemptions_and_leaves_out_the_away_and_the_moved_out(city, community_round):
    people = residents(city.community)
    before = coverage.round_target(community_round).count()
    assert before == len(people) > 10
    home, away, other = people[0], people[1], people[2]
    RoundExemption.objects.create(round=community_round, person=home.person, grid=city.grid, kind="door_to_door")
    RoundExemption.objects.create(round=community_round, person=away.person, grid=city.grid, kind="away")
    resident_move_out(actor=city.users["secretary"], resident=other, moved_out=timezone.localdate())
    target = set(coverage.round_target(community_round).values_list("person_id", flat=True))
    assert len(target) == before - 2
    assert home.person_id in target and away.person_id not in target and other.person_id not in target
    # An exemption in another round changes nothing in this one.
    assert not RoundExemption.objects.filter(round=community_round, person=people[3].person).exists()


def test_tested_counts_people_of_the_target_with_a_sample_of_any_kind(city, community_round):
    people = residents(city.community)
    away = people[0]
    RoundExemption.objects.create(round=community_round, person=away.person, grid=city.grid, kind="away")
    sample(community_round, [r.person for r in people[:5]])
    sample(community_round, [people[1].person], kind="retest")  # tested twice, counted once
    outsider = residents(city.sibling_community)[0]
    sample(community_round, [outsider.person])  # a visitor from elsewhere: not in this round's target
    table = round_coverage(actor=city.users["secretary"], testing_round=community_round, area=city.community)
    assert table.total.target == len(people) - 1
    assert table.total.tested == 4  # five sampled, one of them away (out of the target)
    assert table.total.untested == len(people) - 1 - 4


def test_a_parents_coverage_is_the_sum_of_its_grids(city):
    testing_round = make_round([city.street])
    people = residents(city.street)
    sample(testing_round, [r.person for r in people[::3]])
    by_grid = coverage_by_grid(testing_round)
    assert sum(c.target for c in by_grid.values()) == len(people)
    assert sum(c.tested for c in by_grid.values()) == len(people[::3])
    street = round_coverage(actor=city.users["street"], testing_round=testing_round, area=city.street)
    assert street.total.target == sum(c.target for _a, c in street.children) == len(people)
    assert street.total.tested == sum(c.tested for _a, c in street.children)
    for child, value in street.children:
        below = round_coverage(actor=city.users["street"], testing_round=testing_round, area=child)
        assert (below.total.target, below.total.tested) == (value.target, value.tested)
        assert sum(c.tested for _g, c in below.children) == value.tested
    ranked = [c.percent for _a, c in street.children]
    assert ranked == sorted(ranked)  # the lowest coverage first
    by_community = rollup(by_grid, (city.community.depth) * Area.steplen)
    assert by_community[city.community.path].target == len(residents(city.community))


def test_counting_takes_the_same_queries_whatever_the_number_of_grids(city):
    small = make_round([city.grid], name="一个网格")
    large = make_round([city.district], name="全区")
    round_coverage(actor=city.users["commander"], testing_round=small, area=city.grid)  # the account's assignments
    with CaptureQueriesContext(connection) as one:
        round_coverage(actor=city.users["commander"], testing_round=small, area=city.grid)
    with CaptureQueriesContext(connection) as grid_of_many:
        round_coverage(actor=city.users["commander"], testing_round=large, area=city.grid)
    with CaptureQueriesContext(connection) as district:
        table = round_coverage(actor=city.users["commander"], testing_round=large, area=city.district)
    with CaptureQueriesContext(connection) as community:
        round_coverage(actor=city.users["commander"], testing_round=large, area=city.community)
    assert Area.objects.filter(level="grid", path__startswith=city.district.path).count() > 5
    assert len(table.children) > 1
    assert len(one) == len(grid_of_many)
    assert len(district) == len(community) <= 5


def test_door_knocking_orders_are_made_once_and_close_when_the_resident_is_sampled(city, community_round):
    people = residents(city.grid)
    sample(community_round, [people[0].person])
    untested = len(people) - 1
    orders = untested_orders_create(actor=city.users["grid"], testing_round=community_round, area=city.grid)
    assert len(orders) == untested
    order = WorkOrder.objects.get(pk=orders[0].pk)
    assert (order.kind, order.area, order.assignee_role, order.subject_label) == (UNTESTED, city.grid, "grid_worker",
                                                                                  "people.person")
    assert order.due_at is not None and "*" in order.title
    assert untested_orders_create(actor=city.users["grid"], testing_round=community_round, area=city.grid) == []
    assert WorkOrder.objects.filter(kind=UNTESTED).count() == untested

    sampled = [r.person for r in people[1:4]]
    sample(community_round, sampled)
    now = timezone.now()
    assert untested_orders_close_for(community_round.pk, [p.pk for p in sampled], now) == 3
    closed = WorkOrder.objects.filter(kind=UNTESTED, subject_id__in=[p.pk for p in sampled])
    assert {o.status for o in closed} == {"done"} and all(o.closed_at == now for o in closed)
    assert WorkOrderEvent.objects.filter(work_order__in=closed, action="done").count() == 3
    assert WorkOrder.objects.filter(kind=UNTESTED, status="open").count() == untested - 3
    assert untested_orders_close_for(community_round.pk, [p.pk for p in sampled], now) == 0  # once
    other_round = make_round([city.community], name="另一轮")
    assert untested_orders_close_for(other_round.pk, [people[5].person_id], now) == 0  # another round's sample
    # Running it again makes nothing for those still open, nothing for the sampled.
    assert untested_orders_create(actor=city.users["grid"], testing_round=community_round, area=city.grid) == []
    # The registration's hook (rows of sample id, person id, kind, grid id) closes through the same function.
    sample(community_round, [people[4].person])
    coverage.samples_registered(None, community_round, [(0, people[4].person_id, "routine", city.grid.pk)], now)
    assert WorkOrder.objects.get(kind=UNTESTED, subject_id=people[4].person_id).status == "done"


def test_door_knocking_a_community_puts_each_order_in_its_grid(city, community_round):
    orders = untested_orders_create(actor=city.users["secretary"], testing_round=community_round, area=city.community)
    assert len(orders) == len(residents(city.community))
    by_grid = {a: n for a, n in DoorKnock.objects.filter(round=community_round).values_list("grid").annotate(
        n=Count("pk"))}
    assert by_grid[city.grid.pk] == len(residents(city.grid))
    assert by_grid[city.sibling_grid.pk] == len(residents(city.sibling_grid))


def test_door_knocking_is_refused_to_a_grid_worker_outside_their_grid_and_outside_the_round(city, community_round):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        untested_orders_create(actor=city.users["grid"], testing_round=community_round, area=city.community)
    with pytest.raises(PermissionDenied):
        untested_orders_create(actor=city.users["grid2"], testing_round=community_round, area=city.grid)
    with pytest.raises(ValidationError):
        untested_orders_create(actor=city.users["commander"], testing_round=community_round,
                               area=Area.objects.filter(level="grid", path__startswith=city.other_district.path).first())
    community_round.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    community_round.save()
    with pytest.raises(ValidationError, match=community_round.name):
        untested_orders_create(actor=city.users["secretary"], testing_round=community_round, area=city.grid)
    assert not WorkOrder.objects.filter(kind=UNTESTED).exists()


def test_the_untested_list_is_masked_paged_and_audited(city, community_round, client_for, settings):
    settings.FRONTLINE_PAGE_SIZE = 5
    people = residents(city.grid)
    sample(community_round, [people[0].person])
    RoundExemption.objects.create(round=community_round, person=people[1].person, grid=city.grid, kind="door_to_door")
    url = f"/testing/rounds/{community_round.pk}/grids/{city.grid.pk}/untested/"
    response = client_for("grid").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    shown = {row.resident_id for row in response.context["page"]}
    listed = [r for r in people if r.pk in shown]
    assert len(listed) == 5
    for r in listed:
        assert mask_name(r.person.name) in html
        assert r.person.name not in html or len(r.person.name) == 1
        assert r.person.id_number is None or r.person.id_number not in html
    assert people[0].person.name not in html  # sampled: not on the list
    assert html.count('data-testid="door-to-door"') == 1
    assert f'data-testid="untested-count">{len(people) - 1}<' in html
    assert 'data-testid="next-page"' in html
    entry = AuditLog.objects.filter(actor=city.users["grid"], action="view").latest("id")
    assert (entry.object_id, entry.note) == (str(city.grid.pk), "untested residents listed")
    assert client_for("grid").get(url + "?page=2").status_code == 200
    assert AuditLog.objects.filter(actor=city.users["grid"], action="view", note="untested residents listed").count() == 2


def test_a_grid_worker_of_another_grid_gets_404(city, community_round, client_for):
    assert client_for("grid2").get(
        f"/testing/rounds/{community_round.pk}/grids/{city.grid.pk}/untested/").status_code == 404
    assert client_for("grid2").get(
        f"/testing/rounds/{community_round.pk}/coverage/?area={city.grid.pk}").status_code == 404
    assert client_for("grid2").post(
        f"/testing/rounds/{community_round.pk}/areas/{city.grid.pk}/door-knock/").status_code == 404
    assert not WorkOrder.objects.filter(kind=UNTESTED).exists()
    assert client_for("secretary2").get(
        f"/testing/rounds/{community_round.pk}/coverage/?area={city.community.pk}").status_code == 404


def test_the_coverage_page_ranks_children_and_door_knocks_a_community(city, community_round, client_for):
    sample(community_round, [r.person for r in residents(city.grid)])  # one grid fully tested
    client = client_for("secretary")
    page = client.get(f"/testing/rounds/{community_round.pk}/coverage/")
    assert page.status_code == 200
    table = page.context["table"]
    assert page.context["area"] == city.community
    assert table.children[-1][0] == city.grid and table.children[-1][1].percent == 100.0
    assert 'data-testid="door-knock"' in page.content.decode()
    assert not any(r.person.name in page.content.decode() for r in residents(city.community)[:20])  # counts only
    response = client.post(f"/testing/rounds/{community_round.pk}/areas/{city.community.pk}/door-knock/")
    assert response.status_code == 302
    assert WorkOrder.objects.filter(kind=UNTESTED).count() == table.total.untested
    assert not WorkOrder.objects.filter(kind=UNTESTED, area=city.grid).exists()
    grid_page = client_for("grid").get(f"/testing/rounds/{community_round.pk}/coverage/")
    assert grid_page.status_code == 200 and grid_page.context["area"] == city.grid  # the grid worker's own place
    assert client_for("grid").post(
        f"/testing/rounds/{community_round.pk}/areas/{city.community.pk}/door-knock/").status_code == 404


def test_a_grid_worker_door_knocks_their_grid_from_the_list(city, community_round, client_for):
    client = client_for("grid")
    url = f"/testing/rounds/{community_round.pk}/areas/{city.grid.pk}/door-knock/"
    response = client.post(url, {"back": "untested"})
    assert response.status_code == 302 and response["Location"].endswith(f"/grids/{city.grid.pk}/untested/")
    assert WorkOrder.objects.filter(kind=UNTESTED, area=city.grid).count() == len(residents(city.grid))
    client.post(url, {"back": "untested"})
    assert WorkOrder.objects.filter(kind=UNTESTED, area=city.grid).count() == len(residents(city.grid))
    assert client_for("cadre").post(url).status_code in (403, 404)


def test_figures_show_the_round_in_force_on_area_pages_and_the_api(city, community_round, client_for):
    people = residents(city.community)
    sample(community_round, [r.person for r in people[:7]])
    table = round_coverage(actor=city.users["secretary"], testing_round=community_round, area=city.community)
    figures = figure_table(actor=city.users["secretary"], area=city.community,
                           codes=["testing_target", "testing_tested"])
    assert (figures.total["testing_target"], figures.total["testing_tested"]) == (table.total.target, 7)
    assert {c.pk: v["testing_tested"] for c, v in figures.children}[city.grid.pk] == {
        c.pk: v.tested for c, v in table.children}.get(city.grid.pk, 0)
    data = api_client("secretary").get(
        f"/api/v1/areas/{city.community.pk}/figures?codes=testing_target,testing_tested").json()
    assert data["total"] == {"testing_target": table.total.target, "testing_tested": 7}
    page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    assert 'data-testid="coverage-tested">7<' in page and f'data-testid="coverage-target">{table.total.target}<' in page
    assert f"/testing/rounds/{community_round.pk}/coverage/?area={city.community.pk}" in page
    assert 'data-testid="total-testing_tested">7<' in page
    city_page = client_for("commander").get(f"/areas/{city.city.pk}/").content.decode()  # the way, not a recount
    assert f"/testing/rounds/{community_round.pk}/coverage/?area={city.city.pk}" in city_page
    assert 'data-testid="coverage-tested"' not in city_page and 'data-testid="total-testing_tested">7<' in city_page
    # Three days ago no round was in force (the round began two hours ago, perhaps yesterday): nothing to count.
    before = timezone.localdate() - datetime.timedelta(days=3)
    assert figure_table(actor=city.users["secretary"], area=city.community, codes=["testing_target", "testing_tested"],
                        at=before).total == {"testing_target": 0, "testing_tested": 0}
    today = timezone.localdate()
    flows = figure_table(actor=city.users["secretary"], area=city.community, codes=["samples_collected"],
                         period=Period(today, today))
    assert flows.total["samples_collected"] == 7


def test_the_latest_round_in_force_counts_for_a_grid_and_its_end_needs_no_write(city, community_round):
    """Not kept: the figure moves when a round ends, though nothing was written through the ORM."""
    grid_round = make_round([city.grid], name="网格复检", started_hours_ago=1)
    TestingRound.objects.filter(pk=community_round.pk).update(  # moved into the past by make_round: back in force
        starts_at=timezone.now() - datetime.timedelta(hours=2), ends_at=timezone.now() + datetime.timedelta(days=1))
    grid_people = residents(city.grid)
    sample(grid_round, [grid_people[0].person])
    sample(community_round, [r.person for r in grid_people[1:3]] + [residents(city.sibling_grid)[0].person])
    codes = ["testing_target", "testing_tested"]
    values = figure_table(actor=city.users["secretary"], area=city.community, codes=codes)
    by_grid = {c.pk: v for c, v in values.children}
    assert by_grid[city.grid.pk]["testing_tested"] == 1  # the grid's latest round: the grid round
    assert by_grid[city.sibling_grid.pk]["testing_tested"] == 1
    assert not AreaFigure.objects.filter(code__in=codes).exists()
    TestingRound.objects.filter(pk=grid_round.pk).update(starts_at=timezone.now() - datetime.timedelta(days=3),
                                                         ends_at=timezone.now() - datetime.timedelta(days=2))
    later = {c.pk: v for c, v in figure_table(actor=city.users["secretary"], area=city.community, codes=codes).children}
    assert later[city.grid.pk]["testing_tested"] == 2  # the community round again


def test_with_no_round_in_force_the_figures_and_the_panel_say_nothing(city, client_for):
    now = timezone.now()
    TestingRound.objects.update(starts_at=now - datetime.timedelta(days=10), ends_at=now - datetime.timedelta(days=9))
    table = figure_table(actor=city.users["secretary"], area=city.community, codes=["testing_target", "testing_tested"])
    assert table.total == {"testing_target": 0, "testing_tested": 0}
    page = client_for("secretary").get(f"/areas/{city.community.pk}/")
    assert page.status_code == 200 and 'data-testid="coverage-panel"' not in page.content.decode()


def test_a_figure_that_is_not_kept_cannot_watch():
    from frontline.areas.figures import Figure

    with pytest.raises(ValueError):
        Figure("x", "x", "x", app="x", rows=lambda at: None, area="area", kept=False, watch=(("people.Resident", "x"),))
