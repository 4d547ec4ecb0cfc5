from django.urls import path

from . import views

urlpatterns = [
    path("areas/<int:pk>/deployments/", views.area_deployments, name="area_deployments"),
    path("areas/<int:pk>/deployment-groups/", views.group_create, name="deployment_group_create"),
    path("deployments/<int:pk>/end/", views.deployment_end_view, name="deployment_end"),
]
