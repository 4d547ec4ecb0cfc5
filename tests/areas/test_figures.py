"""The registry of figures: each figure against an independent count in plain SQL, totals that add up,
values as of a date and over a period, figures that move after every kind of write, scope."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from frontline.areas.figures import Period, figure_list, figure_series, figure_table, figures_mark_dirty
from frontline.areas.models import Area, Building, Household
from frontline.core import plugins
from frontline.people.models import Person, Resident
from frontline.people.services import person_create, resident_move_in, resident_move_out
from tests.access import api_client

# The same numbers, counted in plain SQL straight from the base tables (grouped by each row's area).
RAW = {
    "households": "SELECT b.area_id, count(*) FROM areas_household h JOIN areas_building b ON b.id = h.building_id "
                  "GROUP BY b.area_id",
    "residents": "SELECT b.area_id, count(*) FROM people_resident r JOIN areas_household h ON h.id = r.household_id "
                 "JOIN areas_building b ON b.id = h.building_id WHERE r.moved_out IS NULL GROUP BY b.area_id",
    "party_members": "SELECT o.area_id, count(*) FROM people_partymember m JOIN people_partyorg o ON o.id = m.org_id "
                     "WHERE m.left_on IS NULL AND o.area_id IS NOT NULL GROUP BY o.area_id",
    "contacted_households": "SELECT b.area_id, count(*) FROM grid_contacthousehold c JOIN areas_household h "
                            "ON h.id = c.household_id JOIN areas_building b ON b.id = h.building_id "
                            "WHERE c.ended_on IS NULL GROUP BY b.area_id",
    "special_need_residents": "SELECT b.area_id, count(*) FROM people_resident r JOIN areas_household h "
                              "ON h.id = r.household_id JOIN areas_building b ON b.id = h.building_id "
                              "WHERE r.moved_out IS NULL AND EXISTS (SELECT 1 FROM grid_specialneed n WHERE "
                              "n.person_id = r.person_id AND n.resolved_on IS NULL) GROUP BY b.area_id",
    "teams_vanguard": "SELECT area_id, count(*) FROM mobilization_team WHERE kind = 'vanguard' "
                      "AND dissolved_on IS NULL GROUP BY area_id",
    "teams_commando": "SELECT area_id, count(*) FROM mobilization_team WHERE kind = 'commando' "
                      "AND dissolved_on IS NULL GROUP BY area_id",
    "cadres_deployed": "SELECT area_id, count(*) FROM mobilization_deployment WHERE starts_on <= '{today}' "
                       "AND (ends_on IS NULL OR ends_on >= '{today}') GROUP BY area_id",
    **{f"village_{kind}": f"SELECT area_id, count(*) FROM mobilization_deployment WHERE kind = '{kind}' AND "
                          "starts_on <= '{today}' AND (ends_on IS NULL OR ends_on >= '{today}') GROUP BY area_id"
       for kind in ["first_secretary", "work_team"]},
}
RAW.update({  # responsibility zones, pioneer posts, temporary party organizations (mobilization)
    "responsibility_zones": "SELECT area_id, count(*) FROM mobilization_responsibilityzone WHERE ended_on IS NULL "
                            "GROUP BY area_id",
    "pioneer_posts": "SELECT area_id, count(*) FROM mobilization_pioneerpost WHERE ended_on IS NULL GROUP BY area_id",
    **{f"temporary_orgs_{kind}": "SELECT t.area_id, count(*) FROM mobilization_temporaryorg t JOIN people_partyorg o "
                                 f"ON o.id = t.org_id WHERE o.kind = '{kind}' AND o.dissolved_on IS NULL GROUP BY t.area_id"
       for kind in ("group", "branch", "committee")},
})


def raw_under(code: str, area: Area) -> int:
    """The independent count of a stock figure under an area."""
    paths = dict(Area.objects.values_list("id", "path"))
    with connection.cursor() as cursor:
        cursor.execute(RAW[code].format(today=timezone.localdate().isoformat()))
        return sum(n for area_id, n in cursor.fetchall() if paths[area_id].startswith(area.path))


@pytest.fixture
def special_need(city):
    from frontline.grid.models import SpecialNeed

    resident = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True).first()
    return SpecialNeed.objects.create(person=resident.person, kind="dialysis", recorded_on=datetime.date(2022, 4, 1))


def test_every_stock_figure_has_an_independent_count():
    assert {f.code for f in figure_list("stock")} == set(RAW)


@pytest.mark.parametrize("level", ["city", "district", "community", "grid"])
def test_each_figure_equals_an_independent_count(city, special_need, level):
    area = getattr(city, level)
    table = figure_table(actor=city.users["commander"], area=area)
    for code in RAW:
        assert table.total[code] == raw_under(code, area), (code, level)
    assert table.total["special_need_residents"] >= 1


@pytest.mark.parametrize("level", ["city", "district", "community", "grid"])
def test_a_parents_total_is_the_sum_of_its_children(city, level):
    area = getattr(city, level)
    table = figure_table(actor=city.users["commander"], area=area)
    assert table.children
    for figure in table.figures:
        if level == "grid":  # a grid's children are its buildings; figures not kept by building stay whole
            anchored_here = table.total[figure.code] if figure.building is None else 0
        elif figure.code in RAW:  # e.g. members of a community's own party committee
            anchored_here = raw_under(figure.code, area) - sum(raw_under(figure.code, c) for c, _v in table.children)
        else:
            anchored_here = 0
        assert table.total[figure.code] == sum(table.column(figure.code)) + anchored_here, figure.code


def test_children_match_their_own_tables(city):
    table = figure_table(actor=city.users["commander"], area=city.community)
    for child, values in table.children:
        assert values == figure_table(actor=city.users["commander"], area=child).total


def test_a_stock_as_of_a_date_uses_the_history(city):
    resident = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True).first()
    today = timezone.localdate()
    resident_move_out(actor=city.users["secretary"], resident=resident, moved_out=today - datetime.timedelta(days=3))
    now = figure_table(actor=city.users["secretary"], area=city.grid, codes=["residents"]).total["residents"]
    before = figure_table(actor=city.users["secretary"], area=city.grid, codes=["residents"],
                          at=today - datetime.timedelta(days=5)).total["residents"]
    after = figure_table(actor=city.users["secretary"], area=city.grid, codes=["residents"],
                         at=today - datetime.timedelta(days=2)).total["residents"]
    assert before == after + 1 and after == now


def test_figures_move_after_every_kind_of_write(city):
    """Resident, household, visit: the kept city figures move with them."""
    from frontline.grid.models import HouseholdVisit
    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import household_visit_record, screening_campaign_create

    commander = city.users["commander"]

    def now():
        return figure_table(actor=commander, area=city.city).total

    before = now()
    building = Building.objects.filter(area=city.grid).first()
    household = Household.objects.create(building=building, unit="9", room="909")
    person = person_create(actor=commander, name="新住户")
    resident_move_in(actor=commander, person=person, household=household, moved_in=datetime.date(2022, 4, 1))
    after = now()
    assert after["households"] == before["households"] + 1
    assert after["residents"] == before["residents"] + 1

    # A move between two grids of the community: the community keeps its count, the two grids change.
    community = figure_table(actor=commander, area=city.community)
    moving = Resident.objects.filter(household__building__area=city.sibling_grid, moved_out__isnull=True).first()
    resident_move_in(actor=commander, person=moving.person, household=household, moved_in=datetime.date(2022, 4, 2))
    moved = figure_table(actor=commander, area=city.community)
    assert moved.total["residents"] == community.total["residents"]
    by_grid = {c.pk: v["residents"] for c, v in community.children}
    assert {c.pk: v["residents"] for c, v in moved.children if c.pk in (city.grid.pk, city.sibling_grid.pk)} == {
        city.grid.pk: by_grid[city.grid.pk] + 1, city.sibling_grid.pk: by_grid[city.sibling_grid.pk] - 1}

    today = timezone.localdate()
    campaign = screening_campaign_create(actor=commander, name="排查", areas=[city.city], starts_on=today, ends_on=today,
                                         form=STANDARD_QUESTIONS)
    period = Period(today, today)
    visits = figure_table(actor=commander, area=city.city, codes=["households_visited"], period=period).total
    household_visit_record(actor=city.users["grid"], campaign=campaign, household=household, outcome="visited",
                           answers={person.pk: {"present": True}})
    assert HouseholdVisit.objects.filter(household=household).exists()
    assert figure_table(actor=commander, area=city.city, codes=["households_visited"],
                        period=period).total["households_visited"] == visits["households_visited"] + 1


def test_bulk_writers_mark_what_they_touched(city):
    """Rows written around the ORM (the import's plain-row path) move the figures once marked."""
    commander = city.users["commander"]
    before = figure_table(actor=commander, area=city.city, codes=["households"]).total["households"]
    building = Building.objects.filter(area=city.grid).first()
    Household.objects.bulk_create([Household(building=building, unit="8", room=f"80{i}") for i in range(3)])
    figures_mark_dirty([city.grid.pk])
    assert figure_table(actor=commander, area=city.city, codes=["households"]).total["households"] == before + 3


def test_flows_by_period_and_by_day(city):
    from frontline.grid.services import grid_message_deliver, grid_message_publish
    from frontline.notices.models import NoticeDelivery as MessageDelivery

    message = grid_message_publish(actor=city.users["secretary"], kind="message", title="通知", body="请配合",
                                   areas=[city.community])
    grid_message_deliver(actor=city.users["grid"], message=message, grid=city.grid)
    delivered = MessageDelivery.objects.get(notice=message, grid=city.grid).delivered_at
    day = timezone.localdate(delivered)
    table = figure_table(actor=city.users["secretary"], area=city.community, codes=["messages_delivered"],
                         period=Period(day, day))
    assert table.total["messages_delivered"] == MessageDelivery.objects.filter(
        grid__path__startswith=city.community.path, delivered_at__date=day).count() >= 1
    yesterday = day - datetime.timedelta(days=1)
    assert figure_table(actor=city.users["secretary"], area=city.community, codes=["messages_delivered"],
                        period=Period(yesterday, yesterday)).total["messages_delivered"] == 0
    series = figure_series(area=city.community, code="messages_delivered", period=Period(yesterday, day))
    assert sum(n for _t, n in series) == table.total["messages_delivered"]


def test_figure_table_queries_do_not_grow_with_children_or_dirty_areas(city, django_assert_max_num_queries):
    figures_mark_dirty(Area.objects.filter(level="grid").values_list("pk", flat=True)[:50])
    # One query a registered figure (a stock recounted for the marked areas, a flow counted), plus a fixed
    # few: never one a child or a marked area.
    # A stock counted at every read (kept=False) may first look up what it counts (the testing rounds in force).
    per_figure = len(figure_list()) + len([f for f in figure_list("stock") if not f.kept])
    for area in [city.city, city.district, city.community, city.grid]:
        with django_assert_max_num_queries(12 + per_figure):
            figure_table(actor=city.users["commander"], area=area)


def test_figures_api_answers_within_scope_only(city):
    url = f"/api/v1/areas/{city.community.pk}/figures?codes=households,residents"
    data = api_client("secretary").get(url).json()
    assert data["total"]["households"] == raw_under("households", city.community)
    assert {c["id"] for c in data["children"]} >= {city.grid.pk, city.sibling_grid.pk}
    assert api_client("secretary2").get(url).status_code == 404
    assert api_client("grid").get(url).status_code == 404
    assert api_client("secretary").get(f"/api/v1/areas/{city.community.pk}/figures?codes=nope").status_code == 422
    catalog = api_client("grid").get("/api/v1/figures").json()
    assert {f["code"] for f in catalog} == set(plugins.figures.codes())


def test_a_grid_workers_children_are_only_what_they_may_see(city):
    table = figure_table(actor=city.users["grid"], area=city.grid)
    assert {b.pk for b, _v in table.children} == set(Building.objects.filter(area=city.grid).values_list("pk", flat=True))
    assert not Person.objects.none().exists()


def test_contact_households_assigned_in_bulk_move_the_kept_figures(city):
    from frontline.grid.models import ContactHousehold
    from frontline.grid.selectors import contact_assignment_propose
    from frontline.grid.services import contact_households_assign

    ContactHousehold.objects.filter(household__building__area=city.grid).delete()
    before = figure_table(actor=city.users["commander"], area=city.city, codes=["contacted_households"]).total
    proposal = contact_assignment_propose(actor=city.users["secretary"], grid=city.grid)
    assert proposal.pairs
    contact_households_assign(actor=city.users["secretary"], grid=city.grid,
                              pairs=[(h.pk, m.pk) for h, m in proposal.pairs], max_per_member=10)
    after = figure_table(actor=city.users["commander"], area=city.city, codes=["contacted_households"]).total
    assert after["contacted_households"] == before["contacted_households"] + len(proposal.pairs)
    assert after["contacted_households"] == raw_under("contacted_households", city.city)


def test_an_import_moves_every_figure_it_changes(city, tmp_path):
    """New people and a party member arrive, and someone moves over from the sibling grid: the kept city,
    community and grid figures all follow, though the import writes around the ORM."""
    import csv

    from frontline.core.validators import id_check_char
    from frontline.grid.roster import roster_apply

    commander = city.users["commander"]
    building = Building.objects.filter(area=city.grid).order_by("name").first()
    mover = Resident.objects.filter(household__building__area=city.sibling_grid, moved_out__isnull=True,
                                    person__id_number__isnull=False, person__party_memberships__isnull=True,
                                    relation="head").select_related("person").first().person
    first17 = "11010519800101911"
    rows = [["姓名", "身份证号", "楼栋", "单元", "房号", "与户主关系", "政治面貌"],
            ["新一", first17 + id_check_char(first17), building.name, "1", "990", "户主", "中共党员"],
            [mover.name, mover.id_number, building.name, "1", "990", "其他", ""]]
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)

    def values(area):
        table = figure_table(actor=commander, area=area)
        return table.total, {c.pk: v for c, v in table.children}

    city_before, _ = values(city.city)
    community_before, grids_before = values(city.community)
    roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="roster.csv")
    city_after, _ = values(city.city)
    community_after, grids_after = values(city.community)
    assert city_after["households"] == city_before["households"] + 1
    assert city_after["residents"] == city_before["residents"] + 1  # one new person; the mover only moved
    assert city_after["party_members"] == city_before["party_members"] + 1
    assert community_after["residents"] == community_before["residents"] + 1
    assert grids_after[city.grid.pk]["residents"] == grids_before[city.grid.pk]["residents"] + 2
    assert grids_after[city.sibling_grid.pk]["residents"] == grids_before[city.sibling_grid.pk]["residents"] - 1
    for code in RAW:
        assert city_after[code] == raw_under(code, city.city), code


def test_a_refresh_over_many_marked_areas_recounts_everything_and_clears_the_marks(city, monkeypatch):
    from frontline.areas import figures as engine
    from frontline.areas.models import AreaFigureDirty

    monkeypatch.setattr(engine, "REBUILD_ABOVE", 5)
    figures_mark_dirty(Area.objects.values_list("pk", flat=True))
    assert engine.figures_refresh() == Area.objects.count()
    assert not AreaFigureDirty.objects.exists()
    assert figure_table(actor=city.users["commander"], area=city.city).total["residents"] == raw_under("residents", city.city)


def test_a_write_that_lands_during_a_refresh_stays_marked(city, monkeypatch):
    from frontline.areas import figures as engine
    from frontline.areas.models import AreaFigureDirty

    counts = engine._stock_counts

    def counting_while_someone_writes(*args, **kwargs):
        values = counts(*args, **kwargs)
        figures_mark_dirty([city.grid.pk])  # a write commits after the count was taken
        return values

    figures_mark_dirty([city.grid.pk])
    monkeypatch.setattr(engine, "_stock_counts", counting_while_someone_writes)
    engine.figures_refresh()
    assert AreaFigureDirty.objects.filter(area=city.grid).exists()  # recounted at the next read


# Mass testing's coverage of the round in force (frontline.epidemic.coverage): for each grid the latest-started
# round reaching it that has started by now and had not ended when today began; its target (residents present,
# less the exempted out of it) and, of those, the sampled in that round. The times go in as literals for each
# database (timestamps are text on SQLite, in UTC).
class _InForce(str):
    def format(self, **kwargs):
        import datetime as dt

        def literal(value):
            value = value.astimezone(dt.UTC)
            return value.strftime("%Y-%m-%d %H:%M:%S.%f") + ("+00:00" if connection.vendor == "postgresql" else "")

        day_start = dt.datetime.combine(timezone.localdate(), dt.time(), timezone.get_current_timezone())
        return str.format(self, now=literal(timezone.now()), day_start=literal(day_start), **kwargs)


_IN_FORCE = ("SELECT b.area_id, count(*) FROM people_resident r JOIN areas_household h ON h.id = r.household_id "
             "JOIN areas_building b ON b.id = h.building_id JOIN (SELECT ga.id AS grid_id, (SELECT ra.round_id "
             "FROM epidemic_roundarea ra JOIN epidemic_testinground t ON t.id = ra.round_id JOIN areas_area ra_a "
             "ON ra_a.id = ra.area_id WHERE t.starts_at <= '{now}' AND t.ends_at > '{day_start}' "
             "AND ga.path LIKE ra_a.path || '%' ORDER BY t.starts_at DESC, t.id DESC LIMIT 1) AS round_id "
             "FROM areas_area ga) g ON g.grid_id = b.area_id WHERE r.moved_out IS NULL AND g.round_id IS NOT NULL "
             "AND NOT EXISTS (SELECT 1 FROM epidemic_roundexemption e WHERE e.round_id = g.round_id "
             "AND e.person_id = r.person_id AND e.kind IN ('away', 'other')) {tested} GROUP BY b.area_id")
RAW.update({
    "testing_target": _InForce(_IN_FORCE.replace("{tested}", "")),
    "testing_tested": _InForce(_IN_FORCE.replace("{tested}", "AND EXISTS (SELECT 1 FROM epidemic_sample s WHERE "
                                                 "s.round_id = g.round_id AND s.person_id = r.person_id)")),
})
RAW.update({  # control measures in force now, by the measure's area; isolation beds of rooms in service by the site's area
    **{f"measures_{kind}": f"SELECT area_id, count(*) FROM epidemic_controlmeasure WHERE kind = '{kind}' "
                           "AND released_at IS NULL GROUP BY area_id"
       for kind in ("centralized", "home_isolation", "home_monitoring")},
    "isolation_beds": "SELECT s.area_id, sum(r.beds) FROM epidemic_isolationroom r JOIN areas_site s ON s.id = r.site_id "
                      "WHERE s.kind = 'isolation' AND NOT r.out_of_service GROUP BY s.area_id",
    "isolation_beds_free": "SELECT s.area_id, sum(r.beds - (SELECT count(*) FROM epidemic_controlmeasure m "
                           "WHERE m.room_id = r.id AND m.released_at IS NULL)) FROM epidemic_isolationroom r "
                           "JOIN areas_site s ON s.id = r.site_id WHERE s.kind = 'isolation' AND NOT r.out_of_service "
                           "GROUP BY s.area_id",
    "cases_open": "SELECT area_id, count(*) FROM epidemic_case WHERE status = 'open' AND closed_at IS NULL "
                  "GROUP BY area_id",
})

# Control zones in force now at each level (frontline.epidemic.zones), where they lie.
RAW.update({f"zones_{level}": _InForce(
    "SELECT area_id, count(*) FROM epidemic_controlzone WHERE level = '" + level + "' AND starts_at <= '{now}' "
    "AND (ends_at IS NULL OR ends_at > '{now}') GROUP BY area_id") for level in ("sealed", "controlled", "precaution")})

# Residents' requests being handled now (frontline.care.requests_selectors), in the grid they are about.
RAW.update({"requests_open": "SELECT area_id, count(*) FROM care_residentrequest WHERE status = 'open' GROUP BY area_id"})
# Supply orders not yet delivered, failed or cancelled (frontline.care), in the order's grid.
RAW["orders_open"] = ("SELECT area_id, count(*) FROM care_supplyorder WHERE status IN ('placed', 'assigned', "
                      "'picked_up') GROUP BY area_id")
# Service stations and party-masses service centres whose closing is not recorded (frontline.care), where they are.
RAW.update({"service_sites": "SELECT area_id, count(*) FROM areas_site WHERE kind IN ('service_station', "
                             "'service_center') AND closed_on IS NULL GROUP BY area_id"})

# Gift packs held at sites now (frontline.care), by the site's area.
RAW.update({"kits_in_stock": "SELECT s.area_id, sum(k.quantity) FROM care_stock k JOIN areas_site s ON s.id = k.site_id "
                             "JOIN care_supplyitem i ON i.id = k.item_id WHERE i.category = 'kit' GROUP BY s.area_id"})

# Sites where some supply is at or below its low mark (frontline.care), by the site's area.
RAW.update({"stock_low_sites": "SELECT s.area_id, count(*) FROM areas_site s WHERE EXISTS (SELECT 1 FROM care_stock k "
                               "WHERE k.site_id = s.id AND k.low_at > 0 AND k.quantity <= k.low_at) GROUP BY s.area_id"})


def test_a_flow_can_sum_a_field_of_its_rows_and_a_kept_stock_still_cannot():
    from frontline.areas.figures import FLOW, Figure

    Figure("t_flow", "t", "t", app="t", kind=FLOW, rows=lambda at: None, when="at", area="area", total="n")
    with pytest.raises(ValueError):
        Figure("t_stock", "t", "t", app="t", rows=lambda at: None, area="area", total="n")


def test_a_summed_flow_adds_up_the_units_of_its_rows_by_area_period_site_and_day(city):
    """Gift packs issued (frontline.care): the units of the issue moves of kit items, against plain SQL."""
    from frontline.areas.figures import site_figures
    from frontline.areas.models import Site
    from frontline.care.models import ItemCategory, SupplyItem
    from frontline.care.stock import stock_issue, stock_receive

    secretary, street = city.users["secretary"], city.users["street"]
    kit = SupplyItem.objects.create(name="礼包(测)", category=ItemCategory.KIT, unit="份", stocked=True)
    mask = SupplyItem.objects.create(name="口罩(测)", category=ItemCategory.PROTECTIVE, unit="只", stocked=True)
    centre = Site.objects.filter(area=city.community, kind="service_center").first()
    station = Site.objects.filter(area=city.street, kind="service_station").first()
    now = timezone.now()
    for site, actor in ((centre, secretary), (station, street)):
        stock_receive(actor=actor, site=site, item=kit, quantity=100)
        stock_receive(actor=actor, site=site, item=mask, quantity=100)
    stock_issue(actor=secretary, site=centre, item=kit, quantity=7, recipient_kind="resident", recipients=7,
                now=now - datetime.timedelta(days=3))
    stock_issue(actor=secretary, site=centre, item=kit, quantity=4, recipient_kind="worker", recipients=2, now=now)
    stock_issue(actor=street, site=station, item=kit, quantity=20, recipient_kind="resident", recipients=20, now=now)
    stock_issue(actor=street, site=station, item=mask, quantity=50, recipient_kind="worker", recipients=10, now=now)
    paths = dict(Area.objects.values_list("id", "path"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT s.area_id, -sum(m.quantity) FROM care_stockmove m JOIN areas_site s ON s.id = m.site_id "
                       "JOIN care_supplyitem i ON i.id = m.item_id WHERE m.kind = 'issue' AND i.category = 'kit' "
                       "GROUP BY s.area_id")
        raw = cursor.fetchall()
    for area in (city.city, city.street, city.community):
        expected = sum(n for area_id, n in raw if paths[area_id].startswith(area.path))
        table = figure_table(actor=city.users["commander"], area=area, codes=["kits_issued"])
        assert table.total["kits_issued"] == expected
        anchored_here = sum(n for area_id, n in raw if area_id == area.pk)  # the street's own station
        assert sum(v["kits_issued"] for _c, v in table.children) == expected - anchored_here
    assert figure_table(actor=secretary, area=city.community, codes=["kits_issued"]).total["kits_issued"] == 11
    today = timezone.localdate()
    assert figure_table(actor=secretary, area=city.community, codes=["kits_issued"],
                        period=Period(today, today)).total["kits_issued"] == 4
    assert site_figures(actor=street, site=station, codes=["kits_issued", "supplies_issued_recipients"]) == {
        "kits_issued": 20, "supplies_issued_recipients": 30}
    series = figure_series(area=city.street, code="kits_issued", period=Period(today - datetime.timedelta(days=5), today))
    assert sorted(n for _t, n in series) == [7, 24]


def test_flow_totals_over_several_periods_equal_the_figure_table_of_each(city):
    """One query a figure for today, the last week and all time: the same values as a table for each period."""
    import datetime as dt

    from frontline.areas.figures import FLOW, Period, figure_list, figure_table, flow_totals

    today = timezone.localdate()
    periods = {"today": Period(today, today), "week": Period(today - dt.timedelta(days=6), today), "all": None}
    codes = [f.code for f in figure_list(FLOW)]
    for area in (city.city, city.community, city.grid):
        totals = flow_totals(area=area, codes=codes, periods=periods)
        for key, period in periods.items():
            table = figure_table(actor=city.users["commander"], area=area, codes=codes, period=period)
            assert {code: totals[code][key] for code in codes} == table.total, (area.level, key)


# Standing party organizations anchored to an area (frontline.people), for the work report.
RAW.update({"party_orgs": "SELECT area_id, count(*) FROM people_partyorg WHERE NOT temporary AND area_id IS NOT NULL "
                          "AND dissolved_on IS NULL GROUP BY area_id"})


def test_party_fees_paid_and_grids_that_passed_messages_on_against_plain_sql(city):
    """funds_paid_amount (mobilization): the paid allocations' amounts in fen; grids_messaging (grid): the grids with
    a delivery in the period, each once however many messages it passed on."""
    from decimal import Decimal

    from frontline.grid.services import grid_message_publish
    from frontline.mobilization.funds import FundAllocation
    from frontline.notices.models import NoticeDelivery

    now = timezone.now()
    far_grid = Area.objects.filter(level="grid", path__startswith=city.other_district.path).first()
    users = city.users
    for area, amount, status in ((city.grid, "12345.67", "paid"), (city.grid, "0.10", "paid"),
                                 (far_grid, "500.00", "paid"), (city.grid, "999.00", "approved")):
        FundAllocation.objects.create(purpose="hardship", amount=Decimal(amount), source="代管党费", area=area,
                                      created_by=users["commander"], status=status, approved_by=users["admin"],
                                      approved_at=now, paid_by=users["admin"] if status == "paid" else None,
                                      paid_at=now if status == "paid" else None,
                                      payment_reference="P" if status == "paid" else "")
    messages = [grid_message_publish(actor=users["commander"], kind="message", title=f"通知{i}", body="请配合",
                                     areas=[city.grid, city.sibling_grid]) for i in range(3)]
    old = now - datetime.timedelta(days=20)
    for message, grid, at in ((messages[0], city.grid, now), (messages[1], city.grid, now),
                              (messages[2], city.grid, old), (messages[0], city.sibling_grid, old)):
        NoticeDelivery.objects.create(notice=message, grid=grid, delivered_at=at)
    paths = dict(Area.objects.values_list("id", "path"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT area_id, sum(amount) FROM mobilization_fundallocation WHERE status = 'paid' "
                       "GROUP BY area_id")
        funds = [(a, int(round(Decimal(str(n)) * 100))) for a, n in cursor.fetchall()]
    today = timezone.localdate()
    week = Period(today - datetime.timedelta(days=6), today)
    start, end = week.bounds()
    with connection.cursor() as cursor:
        cursor.execute("SELECT grid_id FROM notices_noticedelivery GROUP BY grid_id")
        ever = [g for (g,) in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT grid_id FROM notices_noticedelivery WHERE delivered_at >= %s "
                       "AND delivered_at < %s", [start, end])
        this_week = [g for (g,) in cursor.fetchall()]
    for area in (city.city, city.district, city.community, city.grid):
        total = figure_table(actor=users["commander"], area=area, codes=["funds_paid_amount", "grids_messaging"]).total
        assert total["funds_paid_amount"] == sum(n for a, n in funds if paths[a].startswith(area.path)), area.level
        assert total["grids_messaging"] == len([g for g in ever if paths[g].startswith(area.path)]), area.level
        weekly = figure_table(actor=users["commander"], area=area, codes=["grids_messaging"], period=week).total
        assert weekly["grids_messaging"] == len([g for g in this_week if paths[g].startswith(area.path)]), area.level
    community = figure_table(actor=users["commander"], area=city.community, codes=["funds_paid_amount"]).total
    assert community["funds_paid_amount"] == 1234567 + 10
    assert figure_table(actor=users["commander"], area=city.grid, codes=["grids_messaging"], period=week).total == {
        "grids_messaging": 1}
