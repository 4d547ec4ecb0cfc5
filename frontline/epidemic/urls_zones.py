"""Control zones: the list, a zone, declaring, raising, lifting, the step-down confirmation, households."""

from django.urls import path

from . import zone_views

urlpatterns = [
    path("zones/", zone_views.zone_list, name="zone_list"),
    path("zones/<int:pk>/", zone_views.zone_detail, name="zone_detail"),
    path("zones/new/<int:area_pk>/", zone_views.zone_declare, name="zone_declare"),
    path("zones/<int:pk>/raise/", zone_views.zone_raise, name="zone_raise"),
    path("zones/<int:pk>/lift/", zone_views.zone_lift, name="zone_lift"),
    path("zones/<int:pk>/step-down/", zone_views.zone_step_down, name="zone_step_down"),
    path("zones/<int:pk>/households/", zone_views.zone_households, name="zone_households"),
    path("zones/step-down-orders/<int:pk>/", zone_views.zone_step_down_order, name="zone_step_down_order"),
]
