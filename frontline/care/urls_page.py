"""The public resident page (no account): a grid's page, its two forms, and following a receipt."""

from django.urls import path

from . import page_views

urlpatterns = [
    path("r/<str:code>/", page_views.resident_page, name="resident_page"),
    path("r/<str:code>/order/", page_views.resident_order, name="resident_order"),
    path("r/<str:code>/request/", page_views.resident_request_submit, name="resident_request_submit"),
    path("r/<str:code>/follow/", page_views.resident_follow, name="resident_follow"),
]
