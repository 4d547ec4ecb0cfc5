"""The dashboard part's pages."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("command/", views.command_home, name="command_home"),
    path("command/areas/<int:pk>/", views.command_dashboard, name="command_dashboard"),
]
