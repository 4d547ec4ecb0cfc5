"""The wall part's pages."""

urlpatterns = []
