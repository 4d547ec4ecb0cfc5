"""Service stations and centres: the list of an area, a station (services, sessions), counseling sessions, and the
secretary-hotline call log."""

from django.urls import path

from . import station_views

urlpatterns = [
    path("care/stations/", station_views.station_list, name="station_list"),
    path("care/stations/<int:pk>/", station_views.station_detail, name="station_detail"),
    path("care/stations/<int:pk>/services/", station_views.station_services, name="station_services"),
    path("care/stations/<int:pk>/counseling/new/", station_views.counseling_new, name="counseling_new"),
    path("care/counseling/", station_views.counseling_list, name="counseling_list"),
    path("care/counseling/<int:pk>/delete/", station_views.counseling_delete, name="counseling_delete"),
    path("care/hotline-calls/", station_views.hotline_call_list, name="hotline_call_list"),
    path("care/hotline-calls/new/", station_views.hotline_call_new, name="hotline_call_new"),
    path("care/hotline-calls/<int:pk>/reveal/", station_views.hotline_call_reveal, name="hotline_call_reveal"),
]
