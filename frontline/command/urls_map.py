"""The map part's pages."""

urlpatterns = []
