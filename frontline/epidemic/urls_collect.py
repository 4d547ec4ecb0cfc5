"""The collector's screen, its upload, and the residents' QR sheets."""

from django.urls import path

from . import collect_views

urlpatterns = [
    path("testing/collect/", collect_views.collect, name="collect"),
    path("testing/collect/<int:pk>/", collect_views.collect_site, name="collect_site"),
    path("testing/collect/<int:pk>/records/", collect_views.collect_records, name="collect_records"),
    path("testing/collect/<int:pk>/tube/", collect_views.collect_tube, name="collect_tube"),
    path("households/<int:pk>/testing-qr/", collect_views.household_testing_qr, name="household_testing_qr"),
    path("buildings/<int:pk>/testing-qr/", collect_views.building_testing_qr, name="building_testing_qr"),
]
