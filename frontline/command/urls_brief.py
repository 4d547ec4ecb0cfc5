"""The brief part's pages."""

from django.urls import path

from . import views_brief

urlpatterns = [
    path("command/areas/<int:pk>/brief/", views_brief.brief_page, name="command_brief"),
    path("command/areas/<int:pk>/brief.pdf", views_brief.brief_pdf_download, name="command_brief_pdf"),
    path("command/briefs/<int:pk>/", views_brief.brief_order, name="command_brief_order"),
    path("command/briefs/<int:pk>/read/", views_brief.brief_order_read, name="command_brief_read"),
]
