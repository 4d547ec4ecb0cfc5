"""The pages of serving residents: each part keeps its own URL module."""

urlpatterns = []
