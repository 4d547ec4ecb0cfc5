"""Coverage: a round's tested of target by area, a grid's untested residents, door-knocking them."""

from django.urls import path

from . import coverage_views

urlpatterns = [
    path("testing/rounds/<int:pk>/coverage/", coverage_views.round_coverage_page, name="round_coverage"),
    path("testing/rounds/<int:pk>/grids/<int:grid_pk>/untested/", coverage_views.round_grid_untested,
         name="round_grid_untested"),
    path("testing/rounds/<int:pk>/areas/<int:area_pk>/door-knock/", coverage_views.round_door_knock,
         name="round_door_knock"),
]
