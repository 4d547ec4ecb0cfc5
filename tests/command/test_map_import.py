"""Importing real outlines from a GeoJSON file: a good file replaces the outlines of the areas it names (audited);
a bad one — not GeoJSON, invalid or overlapping outlines, an unknown code, an area outside the commander's place,
a child outside its parent, too large — gets its Chinese message naming the feature, and changes nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from shapely import affinity
from shapely.geometry import mapping, shape

from frontline.areas.models import Area
from frontline.command.models import AreaOutline, OutlineSource
from frontline.command.outlines import OutlineFileInvalid, outlines_import
from frontline.core.models import AuditLog


def _geometry(area, factor=0.9):
    """The area's generated outline shrunk towards its centre: inside its parent, apart from its siblings."""
    geom = shape(AreaOutline.objects.get(area=area).geometry)
    return json.loads(json.dumps(mapping(affinity.scale(geom, factor, factor, origin="centroid"))))


def _feature(code, geometry, key="code"):
    return {"type": "Feature", "properties": {key: code, "name": "x"}, "geometry": geometry}


def _file(features, name="outlines.geojson"):
    return SimpleUploadedFile(name, json.dumps({"type": "FeatureCollection", "features": features},
                                               ensure_ascii=False).encode(), "application/geo+json")


def _state():
    return sorted(AreaOutline.objects.values_list("area_id", "source", "geometry"), key=lambda r: r[0])


def _refused(actor, upload) -> list[str]:
    before = _state()
    with pytest.raises(OutlineFileInvalid) as refused:
        outlines_import(actor=actor, file=upload)
    assert _state() == before
    return refused.value.problems


BOWTIE = {"type": "Polygon", "coordinates": [[[117.0, 36.6], [117.01, 36.61], [117.01, 36.6], [117.0, 36.61],
                                              [117.0, 36.6]]]}


def test_a_good_file_replaces_the_outlines_it_names(city):
    streets = list(Area.objects.get_children(city.district))
    features = [_feature(s.code, _geometry(s), key=key) for s, key in zip(streets, ["code", "adcode", "区划代码"] * 9)]
    untouched = AreaOutline.objects.get(area=city.other_district).geometry
    assert outlines_import(actor=city.users["commander"], file=_file(features)) == len(streets)
    for street, feature in zip(streets, features):
        outline = AreaOutline.objects.get(area=street)
        assert outline.source == OutlineSource.IMPORTED
        assert shape(outline.geometry).equals_exact(shape(feature["geometry"]), 1e-5)
    assert AreaOutline.objects.get(area=city.other_district).geometry == untouched
    entry = AuditLog.objects.get(note="outlines imported")
    assert entry.actor == city.users["commander"] and entry.changes["outlines"] == [None, len(streets)]
    # Importing the same file again replaces them again (no duplicates).
    assert outlines_import(actor=city.users["commander"], file=_file(features)) == len(streets)
    assert AreaOutline.objects.count() == Area.objects.count()


def test_an_invalid_polygon_is_refused_naming_the_feature(city):
    problems = _refused(city.users["commander"], _file([_feature(city.street.code, BOWTIE)]))
    assert problems == [f"第 1 个要素（区划代码 {city.street.code}）：轮廓不是有效的多边形：Self-intersection[117.005 36.605]。"]


def test_a_point_is_not_an_outline(city):
    point = {"type": "Point", "coordinates": [117.0, 36.6]}
    (problem,) = _refused(city.users["commander"], _file([_feature(city.street.code, point)]))
    assert "几何类型为 Point，不是 Polygon 或 MultiPolygon" in problem


def test_overlapping_siblings_are_refused(city):
    first, second = list(Area.objects.get_children(city.district))[:2]
    same = _geometry(first)
    (problem,) = _refused(city.users["commander"], _file([_feature(first.code, same), _feature(second.code, same)]))
    assert problem.startswith(f"第 1 个要素（区划代码 {first.code}）与第 2 个要素（区划代码 {second.code}）重叠")
    assert "同级区域" in problem


def test_an_unknown_code_is_refused(city):
    (problem,) = _refused(city.users["commander"], _file([_feature("370199999999", _geometry(city.street))]))
    assert problem == "第 1 个要素（区划代码 370199999999）：没有区划代码为 370199999999 的区域。"


def test_an_area_outside_the_commanders_place_is_refused(city):
    (problem,) = _refused(city.users["district2"], _file([_feature(city.street.code, _geometry(city.street))]))
    assert f"{city.street.name}不在您的辖区内" in problem


@pytest.mark.parametrize("content, words", [
    (b"hello", "文件不是 GeoJSON：第 1 行第 1 列不是有效的 JSON。"),
    ("\ufeff{}".encode("gbk", errors="ignore") + "区".encode("gbk"), "文件不是 GeoJSON"),
    (b'{"type": "Feature", "geometry": null}', "文件不是 GeoJSON 要素集合"),
    (b'{"type": "FeatureCollection", "features": []}', "文件中没有任何要素。"),
    (b"[" * 100_000 + b"]" * 100_000, "文件不是 GeoJSON：括号嵌套过深。"),
])
def test_a_file_that_is_not_geojson_is_refused(city, content, words):
    (problem,) = _refused(city.users["commander"], SimpleUploadedFile("x.geojson", content))
    assert words in problem


def test_a_child_outside_its_parents_outline_is_refused(city):
    far = affinity.translate(shape(_geometry(city.street)), 1.0, 0)
    features = [_feature(city.district.code, _geometry(city.district, 1.0)),
                _feature(city.street.code, json.loads(json.dumps(mapping(far))))]
    (problem,) = _refused(city.users["commander"], _file(features))
    assert f"第 2 个要素（区划代码 {city.street.code}）：{city.street.name}不在{city.district.name}的轮廓内" in problem


def test_a_file_too_large_is_refused(city, settings):
    settings.FRONTLINE_OUTLINE_MAX_BYTES = 100
    (problem,) = _refused(city.users["commander"], _file([_feature(city.street.code, _geometry(city.street))]))
    assert problem.startswith("文件过大")


def test_every_problem_is_listed(city):
    features = [_feature(city.street.code, BOWTIE), _feature("370199999999", _geometry(city.street)),
                {"type": "Feature", "properties": {}, "geometry": _geometry(city.street)}]
    problems = _refused(city.users["commander"], _file(features))
    assert [p.split("：")[0] for p in problems] == [
        f"第 1 个要素（区划代码 {city.street.code}）", "第 2 个要素（区划代码 370199999999）", "第 3 个要素"]


def test_only_commanders_may_import(city):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        outlines_import(actor=city.users["street"], file=_file([_feature(city.grid.code, _geometry(city.grid))]))


def test_the_import_page_counts_outlines_and_lists_problems(city, client_for):
    client = client_for("commander")
    url = reverse("command_outline_import")
    page = client.get(url).content.decode()
    assert f"您辖区内 {Area.objects.count()} 个区域中有 {Area.objects.count()} 个已有地图轮廓" in page
    refused = client.post(url, {"file": _file([_feature(city.street.code, BOWTIE)])}).content.decode()
    assert "文件未导入：共 1 个问题。" in refused and "轮廓不是有效的多边形" in refused
    done = client.post(url, {"file": _file([_feature(city.grid.code, _geometry(city.grid))])}, follow=True)
    assert "已从 outlines.geojson 导入 1 个轮廓。" in done.content.decode()
    assert AreaOutline.objects.get(area=city.grid).source == OutlineSource.IMPORTED


def test_the_management_command_imports_and_reports_problems(city, tmp_path):
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(city.grid.code, _geometry(city.grid))]}))
    out = io.StringIO()
    call_command("import_outlines", str(good), user="commander", stdout=out)
    assert "1 outlines imported" in out.getvalue()
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_outlines", str(bad), user="commander", stderr=err)
    assert "不是 GeoJSON" in err.getvalue() or "GeoJSON" in err.getvalue()


def test_projected_coordinates_are_refused(city):
    metres = {"type": "Polygon", "coordinates": [[[500000, 4050000], [501000, 4050000], [501000, 4051000],
                                                  [500000, 4050000]]]}
    (problem,) = _refused(city.users["commander"], _file([_feature(city.street.code, metres)]))
    assert "坐标不是经纬度" in problem
