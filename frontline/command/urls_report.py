"""The report part's pages."""

urlpatterns = []
