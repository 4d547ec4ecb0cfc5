"""The pages of mass testing: each part keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontline.epidemic.urls_rounds")),
    path("", include("frontline.epidemic.urls_collect")),
    path("", include("frontline.epidemic.urls_coverage")),
    path("", include("frontline.epidemic.urls_results")),
    path("", include("frontline.epidemic.urls_custody")),
    path("", include("frontline.epidemic.urls_cases")),
    path("", include("frontline.epidemic.urls_isolation")),
    path("", include("frontline.epidemic.urls_gate")),
    path("", include("frontline.epidemic.urls_zones")),
]
