"""The pages of serving residents: each part keeps its own URL module."""

urlpatterns = []
from django.urls import include, path  # noqa: E402

urlpatterns += [path("", include("frontline.care.urls_page"))]
