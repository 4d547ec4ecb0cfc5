"""Pages of the core that any app's data goes through: imports of every kind."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("areas/<int:pk>/imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/remap/", import_views.import_remap, name="import_remap"),
    path("imports/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("imports/<int:pk>/restart/", import_views.import_restart_view, name="import_restart"),
]
