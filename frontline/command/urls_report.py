"""The report part's pages: the work report of an area as a file (docx, pdf, md)."""

from django.urls import path

from . import views_report

urlpatterns = [
    path("command/areas/<int:pk>/report.<str:fmt>", views_report.command_report, name="command_report"),
]
