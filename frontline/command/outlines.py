"""Real area outlines imported from a GeoJSON file (a FeatureCollection whose features carry each area's division
code), all or nothing: every problem in the file is listed, naming the feature, and nothing changes unless there is
none. Siblings may not overlap and a child must lie within its parent's outline, each up to a tolerance of a couple
of metres along the boundary (coordinates are kept to about a metre). The outlines checked against are those of the
file and those imported before; the demo's generated ones are fictional, and real ones replace them unchecked."""

import json
from dataclasses import dataclass

import shapely
import shapely.validation
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.geometry import shape as to_shape

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction

from .models import AreaOutline, OutlineSource
from .policy import MANAGE_OUTLINES

CODE_KEYS = ("code", "adcode", "区划代码")
TOLERANCE = 2e-5  # degrees (about 2 m): how far a boundary may stray, as an area of boundary length × this
DIGITS = 5
IMPORTED_NOTE = "outlines imported"
LISTED_AT_MOST = 200  # problems listed (a wholly wrong file would otherwise list thousands)


class OutlineFileInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Outline:
    index: int  # 1-based, as a reader counts features
    code: str
    shape: object
    geometry: dict
    area: Area | None = None
    parent_path: str = ""


def _label(index: int, code: str = "") -> str:
    if code:
        return _("Feature %(index)s (code %(code)s)") % {"index": index, "code": code}
    return _("Feature %(index)s") % {"index": index}


def _ring(ring) -> list[list[float]]:
    return [[round(float(x), DIGITS), round(float(y), DIGITS)] for x, y, *_z in ring]


def _rounded(geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r) for r in geometry["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[_ring(r) for r in polygon] for polygon in geometry["coordinates"]]}


def _read(data: bytes) -> list:
    """The features of a FeatureCollection, or the one problem that makes the file unreadable."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OutlineFileInvalid([_("The file is not GeoJSON: it is not UTF-8 text.")]) from None
    except json.JSONDecodeError as e:
        raise OutlineFileInvalid([_("The file is not GeoJSON: invalid JSON at line %(line)s, column %(column)s.")
                                  % {"line": e.lineno, "column": e.colno}]) from None
    except RecursionError:  # thousands of nested brackets: no outline is built like that
        raise OutlineFileInvalid([_("The file is not GeoJSON: its brackets are nested too deeply.")]) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise OutlineFileInvalid([_("The file is not a GeoJSON FeatureCollection (“type”: “FeatureCollection” with "
                                    "a list of “features”).")])
    if not document["features"]:
        raise OutlineFileInvalid([_("The file holds no features.")])
    return document["features"]


def _feature(index: int, feature) -> tuple[_Outline | None, list[str]]:
    if not isinstance(feature, dict):
        return None, [_("%(feature)s: not a GeoJSON feature.") % {"feature": _label(index)}]
    properties = feature.get("properties") or {}
    code = next((str(properties[k]).strip() for k in CODE_KEYS if isinstance(properties, dict)
                 and properties.get(k) not in (None, "")), "")
    where = _label(index, code)
    if not code:
        return None, [_("%(feature)s: no division code in its properties (code, adcode or 区划代码).")
                      % {"feature": where}]
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        return None, [_("%(feature)s: the geometry is %(kind)s, not a Polygon or MultiPolygon.")
                      % {"feature": where, "kind": kind or _("no geometry")}]
    try:
        rounded = _rounded(geometry)
        shape = to_shape(rounded)
    except (KeyError, TypeError, ValueError, AttributeError, GEOSException):
        return None, [_("%(feature)s: the coordinates are not those of a %(kind)s.") % {"feature": where, "kind": kind}]
    if shape.is_empty:
        return None, [_("%(feature)s: the outline is empty.") % {"feature": where}]
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, [_("%(feature)s: the coordinates are not longitude and latitude (a projected file? export it "
                        "in WGS 84 or CGCS2000 degrees).") % {"feature": where}]
    if not shape.is_valid:
        return None, [_("%(feature)s: the outline is not a valid polygon: %(reason)s.")
                      % {"feature": where, "reason": shapely.validation.explain_validity(shape)}]
    return _Outline(index=index, code=code, shape=shape, geometry=rounded), []


def _overlaps(outlines: list[_Outline], stored: list[_Outline]) -> list[tuple[int, str]]:
    """Siblings (children of one parent) whose interiors meet more than the tolerance allows: one STRtree over the
    file's outlines and the stored imported ones of their siblings."""
    everything = outlines + stored
    shapes = [o.shape for o in everything]
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes[:len(outlines)], predicate="intersects")
    problems = []
    for i, j in zip(left.tolist(), right.tolist()):
        a, b = everything[i], everything[j]
        if i == j or (j < len(outlines) and j < i) or a.parent_path != b.parent_path:
            continue
        shared = a.shape.intersection(b.shape).area
        if shared > TOLERANCE * min(a.shape.length, b.shape.length):
            other = _label(b.index, b.code) if j < len(outlines) else _("the stored outline of %(name)s (%(code)s)") % {
                "name": b.area.name, "code": b.code}
            problems.append((a.index, _("%(feature)s overlaps %(other)s (%(name)s and %(other_name)s are siblings).") % {
                "feature": _label(a.index, a.code), "other": other, "name": a.area.name, "other_name": b.area.name}))
    return problems


def _outside_parents(outlines: list[_Outline], parents: dict[str, tuple[Area, object]]) -> list[tuple[int, str]]:
    problems = []
    for o in outlines:
        found = parents.get(o.parent_path)
        if found is None:
            continue
        parent, shape = found
        outside = o.shape.difference(shape).area
        if outside > TOLERANCE * o.shape.length:
            problems.append((o.index, _("%(feature)s: %(name)s does not lie within the outline of %(parent)s "
                              "(%(share).1f%% of it lies outside).") % {
                "feature": _label(o.index, o.code), "name": o.area.name, "parent": parent.name,
                "share": 100 * outside / o.shape.area}))
    return problems


def outlines_check(*, actor, data: bytes) -> list[_Outline]:
    """The file's outlines, checked; raises OutlineFileInvalid listing every problem."""
    limit = settings.FRONTLINE_OUTLINE_MAX_BYTES
    if len(data) > limit:
        raise OutlineFileInvalid([_("The file is too large: %(size).1f MB, at most %(limit).1f MB.")
                                  % {"size": len(data) / 2 ** 20, "limit": limit / 2 ** 20}])
    problems, outlines = [], []
    for index, feature in enumerate(_read(data), start=1):
        outline, found = _feature(index, feature)
        problems += [(index, p) for p in found]
        if outline is not None:
            outlines.append(outline)
    seen: dict[str, int] = {}
    for o in outlines:
        if o.code in seen:
            problems.append((o.index, _("%(feature)s: the same area as feature %(first)s.")
                             % {"feature": _label(o.index, o.code), "first": seen[o.code]}))
        seen.setdefault(o.code, o.index)
    codes = list(seen)
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    mine = set(Area.objects.restrict(actor, MANAGE_OUTLINES).filter(code__in=codes).values_list("code", flat=True)) \
        if actor is not None else set(areas)
    kept = []
    for o in outlines:
        o.area = areas.get(o.code)
        if o.area is None:
            problems.append((o.index, _("%(feature)s: no area has the division code %(code)s.")
                             % {"feature": _label(o.index, o.code), "code": o.code}))
        elif o.code not in mine:
            problems.append((o.index, _("%(feature)s: %(name)s is outside your area; you may import outlines only "
                                        "within it.") % {"feature": _label(o.index, o.code), "name": o.area.name}))
        elif seen[o.code] == o.index:
            o.parent_path = o.area.path[:-Area.steplen]
            kept.append(o)
    problems += _geometry_problems(kept)
    problems = [text for _index, text in sorted(problems, key=lambda p: p[0])]  # in the file's order
    if len(problems) > LISTED_AT_MOST:
        problems = problems[:LISTED_AT_MOST] + [_("… and %(count)s more problems.")
                                                % {"count": len(problems) - LISTED_AT_MOST}]
    if problems:
        raise OutlineFileInvalid(problems)
    return kept


def _geometry_problems(outlines: list[_Outline]) -> list[tuple[int, str]]:
    if not outlines:
        return []
    in_file = {o.area.pk for o in outlines}
    parent_paths = {o.parent_path for o in outlines if o.parent_path}
    # The stored imported outlines of the file's siblings (real boundaries the file must agree with); generated
    # ones are fictional, and a real outline replaces them without being checked against them.
    stored = []
    for row in (AreaOutline.objects.filter(source=OutlineSource.IMPORTED, area__depth__gt=1)
                .exclude(area_id__in=in_file).select_related("area")):
        if row.area.path[:-Area.steplen] in parent_paths:
            stored.append(_Outline(index=0, code=row.area.code, shape=to_shape(row.geometry),
                                   geometry=row.geometry, area=row.area, parent_path=row.area.path[:-Area.steplen]))
    parents: dict[str, tuple[Area, object]] = {o.area.path: (o.area, o.shape) for o in outlines}
    missing = parent_paths - set(parents)
    if missing:
        for row in (AreaOutline.objects.filter(source=OutlineSource.IMPORTED, area__path__in=missing)
                    .select_related("area")):
            parents[row.area.path] = (row.area, to_shape(row.geometry))
    return _overlaps(outlines, stored) + _outside_parents(outlines, parents)


@transaction.atomic
def outlines_import(*, actor, file) -> int:
    """Replace the outlines of the areas a GeoJSON file names, all or nothing; returns how many were imported.
    Raises OutlineFileInvalid (every problem listed, nothing changed) or PermissionDenied."""
    policy.require(actor, MANAGE_OUTLINES)
    limit = settings.FRONTLINE_OUTLINE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise OutlineFileInvalid([_("The file is too large: %(size).1f MB, at most %(limit).1f MB.")
                                  % {"size": size / 2 ** 20, "limit": limit / 2 ** 20}])
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)
    outlines = outlines_check(actor=actor, data=data)
    ids = [o.area.pk for o in outlines]
    AreaOutline.objects.filter(area_id__in=ids).delete()
    AreaOutline.objects.bulk_create([AreaOutline(area=o.area, geometry=o.geometry, source=OutlineSource.IMPORTED)
                                     for o in outlines], batch_size=1000)
    audit_record(actor=actor, action=AuditAction.UPDATE, note=IMPORTED_NOTE,
                 changes={"outlines": [None, len(outlines)], "areas": [None, [o.code for o in outlines[:100]]],
                          "file": [None, getattr(file, "name", "")]})
    return len(outlines)
