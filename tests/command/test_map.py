"""The map without tiles: every area of the generated city has an outline, siblings tile their parent without
overlapping, and the map's GeoJSON gives each child its value of the chosen figure and its dashboard's address."""

import datetime

import pytest
import shapely
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import shape

from frontline.areas.figures import Period
from frontline.areas.models import Area
from frontline.command.models import AreaOutline, OutlineSource
from frontline.command.outlines import TOLERANCE
from frontline.command.selectors import dashboard_figures
from frontline.demo.outlines import outlines_generate


def _shapes():
    return {pk: shape(g) for pk, g in AreaOutline.objects.values_list("area_id", "geometry")}


def test_every_generated_area_has_a_valid_outline(city):
    shapes = _shapes()
    assert set(shapes) == set(Area.objects.values_list("pk", flat=True))
    assert set(AreaOutline.objects.values_list("source", flat=True)) == {OutlineSource.GENERATED}
    assert all(s.is_valid and not s.is_empty and s.geom_type in ("Polygon", "MultiPolygon") for s in shapes.values())
    centre = shapes[city.city.pk].centroid
    assert 116 < centre.x < 118 and 36 < centre.y < 37  # around the fictional centre, in longitude/latitude


def test_siblings_do_not_overlap_and_children_lie_within_their_parents(city):
    shapes = _shapes()
    areas = list(Area.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in areas}
    siblings: dict[str, list[int]] = {}
    for pk, path in areas:
        if len(path) > Area.steplen:
            siblings.setdefault(path[:-Area.steplen], []).append(pk)
    for parent_path, kids in siblings.items():
        parent = shapes[by_path[parent_path]]
        geoms = [shapes[k] for k in kids]
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist()):
            if i < j:
                shared = geoms[i].intersection(geoms[j]).area
                assert shared <= TOLERANCE * min(geoms[i].length, geoms[j].length), (kids[i], kids[j], shared)
        for kid, geom in zip(kids, geoms):
            assert geom.difference(parent).area <= TOLERANCE * geom.length, kid
        # The children tile the parent: nothing of it is left uncovered.
        assert abs(sum(g.area for g in geoms) - parent.area) <= 0.001 * parent.area


def test_the_same_seed_gives_the_same_outlines_and_imported_ones_are_kept(city):
    first = dict(AreaOutline.objects.values_list("area_id", "geometry"))
    AreaOutline.objects.filter(area=city.grid).update(source=OutlineSource.IMPORTED, geometry={"type": "Polygon",
                                                                                                "coordinates": []})
    outlines_generate(seed=7)
    again = dict(AreaOutline.objects.values_list("area_id", "geometry"))
    assert again[city.grid.pk] == {"type": "Polygon", "coordinates": []}
    assert {k: v for k, v in again.items() if k != city.grid.pk} == {k: v for k, v in first.items() if k != city.grid.pk}


def _map(client, area, query=""):
    return client.get(reverse("command_map", args=[area.pk]) + query)


def test_the_city_map_lists_each_district_with_its_value(city, client_for):
    response = _map(client_for("commander"), city.city, "?code=residents")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["figure"]["code"] == "residents"
    today = timezone.localdate()
    figures = dashboard_figures(actor=city.users["commander"], area=city.city, period=Period(today, today))
    districts = list(Area.objects.get_children(city.city).order_by("code"))
    assert [f["properties"]["name"] for f in body["features"]] == [d.name for d in districts]
    expected = {c["id"]: c["values"]["residents"] for c in figures["children"]}
    for feature, district in zip(body["features"], districts):
        props = feature["properties"]
        assert props["id"] == district.pk and props["value"] == expected[district.pk] > 0
        assert props["url"] == reverse("command_dashboard", args=[district.pk])
        assert feature["geometry"] == AreaOutline.objects.get(area=district).geometry
    assert body["max"] == max(expected.values()) and body["message"] == ""


def test_a_day_in_the_past_and_a_flow_figure(city, client_for):
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    body = _map(client_for("commander"), city.district, f"?code=households_visited&day={day}").json()
    assert body["period"] == {"start": day, "end": day}
    assert len(body["features"]) == Area.objects.get_children(city.district).count()


def test_a_district_commander_gets_404_for_an_area_outside_theirs(city, client_for):
    client = client_for("district2")
    assert _map(client, city.district).status_code == 404
    assert _map(client, city.city).status_code == 404
    assert _map(client, city.other_district).status_code == 200


def test_a_grid_worker_may_not_see_the_map(city, client_for):
    assert _map(client_for("grid"), city.grid).status_code == 403


def test_a_grid_answers_an_empty_collection_with_a_message(city, client_for):
    body = _map(client_for("commander"), city.grid).json()
    assert body["features"] == [] and "楼栋" in body["message"]


def test_areas_without_outlines_say_so(city, client_for):
    AreaOutline.objects.filter(area__in=Area.objects.get_children(city.street)).delete()
    body = _map(client_for("commander"), city.street).json()
    assert body["features"] == [] and "尚无轮廓" in body["message"]


@pytest.mark.parametrize("query, words", [
    ("?start=2022-04-10&end=2022-04-01", "2022-04-10"),  # the period picker's own message
    ("?code=nonsense", "nonsense"),
])
def test_a_bad_period_or_figure_is_a_400_with_its_message(city, client_for, query, words):
    response = _map(client_for("commander"), city.city, query)
    assert response.status_code == 400
    assert words in response.json()["error"]


def test_the_dashboard_shows_the_map_panel_with_a_figure_chooser(city, client_for):
    response = client_for("commander").get(reverse("command_dashboard", args=[city.city.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="map-panel"' in html and 'id="command-map-config"' in html
    assert 'value="residents" selected' in html and "echarts.min.js" in html and "command-map.js" in html
    assert reverse("command_map", args=[city.city.pk]) in html
    assert reverse("command_outline_import") in html  # a commander may import outlines
    street = client_for("street").get(reverse("command_dashboard", args=[city.street.pk])).content.decode()
    assert 'data-testid="map-panel"' in street and reverse("command_outline_import") not in street
