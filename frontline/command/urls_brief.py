"""The brief part's pages."""

urlpatterns = []
