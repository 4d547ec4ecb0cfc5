"""Pages of cases and contacts (case_views.py)."""

from django.urls import path

from . import case_views as views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/investigate/", views.case_investigate_view, name="case_investigate"),
    path("cases/<int:pk>/close/", views.case_close_view, name="case_close"),
    path("cases/<int:pk>/contacts/add/", views.case_contact_add, name="case_contact_add"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/reveal/<str:field>/", views.contact_reveal_view, name="contact_reveal"),
]
