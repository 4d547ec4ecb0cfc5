from django.urls import path

from . import views

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge_view, name="notice_acknowledge"),
    path("notices/<int:pk>/receipts/", views.notice_receipts, name="notice_receipts"),
    path("notices/<int:pk>/remind/", views.notice_remind_view, name="notice_remind"),
    path("notices/<int:pk>/publish/", views.notice_publish_view, name="notice_publish"),
    path("notices/<int:pk>/files/<int:attachment_pk>/", views.notice_attachment, name="notice_file"),
    path("letters/<str:slug>/", views.notice_public, name="notice_public"),
]
