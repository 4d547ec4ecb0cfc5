"""Plausible outlines for the generated city, so that its map works with no tile server and no real boundaries:
the city an irregular polygon around a fictional centre, each area split among its children by the Voronoi cells
of seeded random points clipped to it (relaxed twice towards even sizes), so that siblings tile their parent
exactly and never overlap. Deterministic: the same seed and the same area codes give the same outlines."""

import math
import random

import shapely
from shapely.geometry import MultiPolygon, Polygon

from frontline.areas.models import Area
from frontline.command.models import AreaOutline, OutlineSource

CENTRE = (117.0, 36.6)  # a fictional city centre (longitude, latitude)
RADIUS = 0.3  # degrees of longitude; latitude is scaled so that the city looks round on the map
DIGITS = 5  # about a metre: enough for a map, and small JSON
GRID = 10 ** -DIGITS
RELAXATIONS = 2


def _city_shape(rnd: random.Random) -> Polygon:
    """An irregular, star-shaped polygon: a circle whose radius wanders smoothly around it."""
    n = 48
    phases = [rnd.uniform(0, 2 * math.pi) for _ in range(3)]
    amplitudes = [rnd.uniform(0.06, 0.12), rnd.uniform(0.04, 0.08), rnd.uniform(0.02, 0.05)]
    lat_scale = 1 / math.cos(math.radians(CENTRE[1]))
    points = []
    for i in range(n):
        angle = 2 * math.pi * i / n
        r = RADIUS * (1 + sum(a * math.sin((k + 2) * angle + p) for k, (a, p) in enumerate(zip(amplitudes, phases))))
        r *= 1 + rnd.uniform(-0.03, 0.03)
        points.append((CENTRE[0] + r * math.cos(angle), CENTRE[1] + r * math.sin(angle) / lat_scale))
    return shapely.set_precision(Polygon(points), GRID)


def _points_in(shape, n: int, rnd: random.Random) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = shape.bounds
    shapely.prepare(shape)
    found = []
    while len(found) < n:
        x, y = rnd.uniform(minx, maxx), rnd.uniform(miny, maxy)
        if shapely.contains_xy(shape, x, y):
            found.append((x, y))
    return found


def _polygons(geometry):
    """Only the areal parts of an overlay's result (a clip can leave stray lines or points on the boundary)."""
    if geometry is None:
        return None
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon) and not g.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _cells(parent, n: int, rnd: random.Random) -> list:
    """n pieces tiling the parent: Voronoi cells of random points in it, clipped to it, relaxed towards the
    cells' centroids so that children come out of similar size."""
    if n == 1:
        return [parent]
    points = _points_in(parent, n, rnd)
    for step in range(RELAXATIONS + 1):
        cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=parent, ordered=True)
        clipped = [shapely.intersection(cell, parent, grid_size=GRID) for cell in shapely.get_parts(cells)]
        if step == RELAXATIONS or len(clipped) != n:
            break
        moved = []
        for cell, old in zip(clipped, points):
            c = cell.centroid if not cell.is_empty else None
            moved.append((c.x, c.y) if c is not None and not c.is_empty and parent.contains(c) else old)
        if len(set(moved)) < n:
            break
        points = moved
    if len(clipped) != n:  # coincident points (vanishingly rare): the parent in strips instead
        minx, miny, maxx, maxy = parent.bounds
        width = (maxx - minx) / n
        return [shapely.intersection(shapely.box(minx + i * width, miny, minx + (i + 1) * width, maxy), parent,
                                     grid_size=GRID) for i in range(n)]
    # Children numbered like text on a page: north to south in bands, each band west to east.
    minx, miny, maxx, maxy = parent.bounds
    band = max((maxy - miny) / max(1, round(math.sqrt(n))), 1e-9)
    order = sorted(range(n), key=lambda i: (-math.floor((points[i][1] - miny) / band), points[i][0]))
    return [clipped[i] for i in order]


def _ring(ring) -> list[list[float]]:
    return [[round(x, DIGITS), round(y, DIGITS)] for x, y in ring.coords]


def geojson(geometry) -> dict | None:
    """A Polygon or MultiPolygon as a GeoJSON geometry with rounded coordinates (None for nothing areal)."""
    geometry = _polygons(geometry)
    if geometry is None:
        return None
    if isinstance(geometry, Polygon):
        return {"type": "Polygon", "coordinates": [_ring(geometry.exterior), *(_ring(r) for r in geometry.interiors)]}
    return {"type": "MultiPolygon", "coordinates": [[_ring(p.exterior), *(_ring(r) for r in p.interiors)]
                                                    for p in geometry.geoms]}


def outlines_generate(*, seed: int = 2022, batch_size: int = 1000) -> int:
    """Give every area of the generated city an outline (replacing generated ones, never imported ones); returns
    how many were written."""
    areas = list(Area.objects.order_by("path").values_list("pk", "path", "code"))
    if not areas:
        return 0
    children: dict[str, list[tuple[int, str, str]]] = {}
    for row in areas:
        children.setdefault(row[1][:-Area.steplen], []).append(row)
    root = areas[0]
    shapes = {root[1]: _city_shape(random.Random(f"{seed}:{root[2]}"))}
    stack = [root]
    while stack:
        _pk, path, code = stack.pop()
        kids = children.get(path, [])
        if not kids:
            continue
        cells = _cells(shapes[path], len(kids), random.Random(f"{seed}:{code}"))
        for kid, cell in zip(kids, cells):
            shapes[kid[1]] = cell
            stack.append(kid)
    imported = set(AreaOutline.objects.filter(source=OutlineSource.IMPORTED).values_list("area_id", flat=True))
    rows = []
    for pk, path, _code in areas:
        geometry = geojson(shapes.get(path)) if pk not in imported else None
        if geometry is not None:
            rows.append(AreaOutline(area_id=pk, geometry=geometry, source=OutlineSource.GENERATED))
    AreaOutline.objects.filter(source=OutlineSource.GENERATED).delete()
    AreaOutline.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
