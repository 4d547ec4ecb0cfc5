"""The pages of serving residents: each part keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontline.care.urls_orders")),
    path("", include("frontline.care.urls_page")),
    path("", include("frontline.care.urls_poster")),
    path("", include("frontline.care.urls_requests")),
    path("", include("frontline.care.urls_stations")),
    path("", include("frontline.care.urls_stock")),
]
