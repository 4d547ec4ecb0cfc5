"""The checkpoints' pages: the staff's screen and its upload, the desks' list, a checkpoint, its staff."""

from django.urls import path

from . import gate_views

urlpatterns = [
    path("checkpoints/", gate_views.checkpoint_list, name="checkpoint_list"),
    path("checkpoints/new/", gate_views.checkpoint_new, name="checkpoint_new"),
    path("checkpoints/scan/", gate_views.gate_scan_home, name="gate_scan_home"),
    path("checkpoints/<int:pk>/", gate_views.checkpoint_detail, name="checkpoint_detail"),
    path("checkpoints/<int:pk>/scan/", gate_views.gate_scan, name="gate_scan"),
    path("checkpoints/<int:pk>/scans/", gate_views.gate_scan_record, name="gate_scan_record"),
    path("checkpoints/<int:pk>/posts/", gate_views.checkpoint_post_new, name="checkpoint_post_new"),
    path("checkpoints/<int:pk>/posts/<int:post_pk>/end/", gate_views.checkpoint_post_end_view,
         name="checkpoint_post_end"),
]
