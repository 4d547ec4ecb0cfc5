"""Pages of testing rounds (`round_views.py`)."""

from django.urls import path

from . import round_views

urlpatterns = [
    path("testing/", round_views.testing_round_list, name="testing_round_list"),
    path("testing/rounds/new/", round_views.testing_round_new, name="testing_round_new"),
    path("testing/rounds/<int:pk>/", round_views.testing_round_detail, name="testing_round_detail"),
    path("testing/rounds/<int:pk>/status/", round_views.testing_round_status, name="testing_round_status"),
    path("testing/rounds/<int:pk>/sites/", round_views.round_site_save, name="round_site_save"),
    path("testing/rounds/<int:pk>/staff/", round_views.round_staff_new, name="round_staff_new"),
    path("testing/rounds/<int:pk>/staff/<int:staff_pk>/end/", round_views.round_staff_end_view, name="round_staff_end"),
    path("testing/rounds/<int:pk>/exemptions/", round_views.round_exemption_new, name="round_exemption_new"),
    path("testing/rounds/<int:pk>/exemptions/<int:exemption_pk>/remove/", round_views.round_exemption_remove_view,
         name="round_exemption_remove"),
]
