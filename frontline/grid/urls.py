from django.urls import path

from . import views

urlpatterns = [
    path("areas/<int:pk>/chain/", views.chain, name="grid_chain"),
    path("areas/<int:pk>/roles/", views.role_assign, name="grid_role_assign"),
    path("areas/<int:pk>/contacts/propose/", views.contacts_propose, name="contacts_propose"),
    path("areas/<int:pk>/contacts/assign/", views.contacts_assign, name="contacts_assign"),
]
