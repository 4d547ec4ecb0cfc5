"""The wall part's pages: the wall screen of an area and the figures it fetches."""

from django.urls import path

from . import views_wall

urlpatterns = [
    path("command/areas/<int:pk>/wall/", views_wall.command_wall, name="command_wall"),
    path("command/areas/<int:pk>/wall/data/", views_wall.command_wall_data, name="command_wall_data"),
]
