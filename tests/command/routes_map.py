"""The access matrix's entries for the map: an area's children's outlines as GeoJSON (view_dashboard, 404 for an
area not the viewer's), the outline import page (manage_outlines: commanders; a file naming an area outside the
commander's place is refused with its problem listed)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from frontline.command.models import AreaOutline, OutlineSource
from frontline.command.policy import MANAGE_OUTLINES, VIEW_DASHBOARD


def _pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def _outline_file(o, where):
    """The probe grid's own outline, as a file of real outlines."""
    grid = o.inside.grid
    geometry = AreaOutline.objects.get(area=grid).geometry
    body = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": grid.code}, "geometry": geometry}]}
    return {"file": SimpleUploadedFile("outlines.geojson", json.dumps(body).encode(), "application/geo+json")}


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    community = _obj("community")
    pages = {
        "command_map": Route(VIEW_DASHBOARD, _pk("community"), community, query="?code=households"),
        "command_outline_import": Route(MANAGE_OUTLINES, method="post", outside=False, data=_outline_file),
    }
    return pages, {}


def fingerprint():
    return (AreaOutline.objects.count(), AreaOutline.objects.filter(source=OutlineSource.IMPORTED).count())
