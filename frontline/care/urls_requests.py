"""Residents' requests: the list of an area, one request and its actions, taking one, the call-back queue, and a
request's work order's own page."""

from django.urls import path

from . import requests_views as views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_take, name="request_take"),
    path("requests/call-backs/", views.request_call_backs, name="request_call_backs"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request_resolve"),
    path("requests/<int:pk>/call-back/", views.request_call_back, name="request_call_back"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/merge/", views.request_merge, name="request_merge"),
    path("requests/<int:pk>/reveal/", views.request_reveal, name="request_reveal"),
    path("requests/work-orders/<int:pk>/", views.request_order, name="request_order"),
]
