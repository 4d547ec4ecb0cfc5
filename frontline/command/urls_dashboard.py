"""The dashboard part's pages."""

urlpatterns = []
