"""The map part's pages: an area's children's outlines as GeoJSON for the dashboard's map, and the import of real
outlines."""

from django.urls import path

from . import (
    views_dashboard_stub,  # STUB: removed at merge
    views_map,
)

urlpatterns = [
    path("command/areas/<int:pk>/map/", views_map.command_map, name="command_map"),
    path("command/outlines/import/", views_map.command_outline_import, name="command_outline_import"),
    # STUB: removed at merge (the dashboard part's real page has this name and path)
    path("command/areas/<int:pk>/", views_dashboard_stub.command_dashboard, name="command_dashboard"),
]
