"""Supply orders: the desks' list, an order, its reveal, confirm and cancel, a grid's dispatch, taking an order; the
deliverer's run, a delivery's own page, its call and its steps."""

from django.urls import path

from . import delivery_views, order_views

urlpatterns = [
    path("care/orders/", order_views.order_list, name="order_list"),
    path("care/orders/take/", order_views.order_take, name="order_take"),
    path("care/orders/<int:pk>/", order_views.order_detail, name="order_detail"),
    path("care/orders/<int:pk>/reveal/", order_views.order_reveal, name="order_reveal"),
    path("care/orders/<int:pk>/confirm/", order_views.order_confirm, name="order_confirm"),
    path("care/orders/<int:pk>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("care/grids/<int:area_pk>/dispatch/", order_views.order_dispatch, name="order_dispatch"),
    path("care/deliveries/", delivery_views.delivery_run_page, name="delivery_run"),
    path("care/deliveries/<int:pk>/", delivery_views.delivery_order, name="delivery_order"),
    path("care/deliveries/<int:pk>/call/", delivery_views.delivery_call, name="delivery_call"),
    path("care/deliveries/<int:pk>/<str:action>/", delivery_views.delivery_act, name="delivery_act"),
]
