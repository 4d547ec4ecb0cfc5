"""Pages of control measures (measure_views.py)."""

from django.urls import path

from . import measure_views as views

urlpatterns = [
    path("measures/", views.measure_home, name="measure_home"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/transfer/", views.measure_transfer_view, name="measure_transfer"),
    path("measures/<int:pk>/release/", views.measure_release_view, name="measure_release"),
    path("measures/<int:pk>/health/", views.health_record_view, name="health_record"),
    path("measures/health/", views.health_today, name="health_today"),
    path("measures/release-orders/<int:pk>/", views.measure_release_order, name="measure_release_order"),
    path("isolation/sites/<int:pk>/", views.isolation_site_detail, name="isolation_site_detail"),
    path("isolation/sites/<int:pk>/rooms/", views.isolation_rooms_add, name="isolation_rooms_add"),
    path("isolation/sites/<int:pk>/assign/", views.measure_isolate_view, name="measure_isolate"),
    path("isolation/rooms/<int:pk>/", views.isolation_room_update, name="isolation_room_update"),
]
