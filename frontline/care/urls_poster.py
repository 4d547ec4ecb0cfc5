"""Resident pages at the desk: the grids of an area, a grid's page (publish, new address, close, reopen) and its
poster."""

from django.urls import path

from . import poster_views

urlpatterns = [
    path("care/resident-pages/", poster_views.resident_page_list, name="resident_page_list"),
    path("care/resident-pages/<int:area_pk>/", poster_views.resident_page_manage, name="resident_page_manage"),
    path("care/resident-pages/<int:area_pk>/renew/", poster_views.resident_page_renew, name="resident_page_renew"),
    path("care/resident-pages/<int:area_pk>/close/", poster_views.resident_page_close, name="resident_page_close"),
    path("care/resident-pages/<int:area_pk>/reopen/", poster_views.resident_page_reopen, name="resident_page_reopen"),
    path("care/resident-pages/<int:area_pk>/poster.png", poster_views.resident_page_poster_png,
         name="resident_page_poster_png"),
    path("care/resident-pages/<int:area_pk>/poster.pdf", poster_views.resident_page_poster_pdf,
         name="resident_page_poster_pdf"),
]
