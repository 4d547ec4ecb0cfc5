"""The pages of mass testing: each part keeps its own URL module."""

urlpatterns = []
