"""The command centre's pages: each part keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontline.command.urls_brief")),
    path("", include("frontline.command.urls_dashboard")),
    path("", include("frontline.command.urls_map")),
    path("", include("frontline.command.urls_report")),
    path("", include("frontline.command.urls_wall")),
]
