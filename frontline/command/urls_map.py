"""The map part's pages: an area's children's outlines as GeoJSON for the dashboard's map, and the import of real
outlines."""

from django.urls import path

from . import views_map

urlpatterns = [
    path("command/areas/<int:pk>/map/", views_map.command_map, name="command_map"),
    path("command/outlines/import/", views_map.command_outline_import, name="command_outline_import"),
]
