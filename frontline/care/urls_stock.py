"""Protective supplies: the catalogue, an area's stock, a site's stock and moves, the issue form."""

from django.urls import path

from . import stock_views

urlpatterns = [
    path("supplies/catalogue/", stock_views.stock_catalogue, name="stock_catalogue"),
    path("supplies/catalogue/new/", stock_views.supply_item_new, name="supply_item_new"),
    path("supplies/catalogue/<int:pk>/", stock_views.supply_item_edit, name="supply_item_edit"),
    path("supplies/", stock_views.stock_area, name="stock_area"),
    path("supplies/sites/<int:pk>/", stock_views.stock_site, name="stock_site"),
    path("supplies/sites/<int:pk>/move/", stock_views.stock_move, name="stock_move"),
    path("supplies/sites/<int:pk>/issue/", stock_views.stock_issue, name="stock_issue"),
]
