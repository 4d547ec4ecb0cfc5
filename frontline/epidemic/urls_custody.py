"""The custody pages: scanning bags and hand-overs, a round's custody, a tube's path."""

from django.urls import path

from . import custody_views

urlpatterns = [
    path("testing/bags/", custody_views.bag_desk, name="bag_desk"),
    path("testing/bags/scan/", custody_views.bag_scan, name="bag_scan"),
    path("testing/rounds/<int:pk>/bags/", custody_views.round_custody_view, name="round_custody"),  # linked from the round page
    path("testing/tubes/<int:pk>/", custody_views.tube_detail, name="tube_detail"),
]
