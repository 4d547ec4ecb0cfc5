from django.urls import path

from . import campaign_views, exports, message_views, transfer_views, views

urlpatterns = [
    path("areas/<int:pk>/chain/", views.chain, name="grid_chain"),
    path("areas/<int:pk>/roles/", views.role_assign, name="grid_role_assign"),
    path("areas/<int:pk>/contacts/propose/", views.contacts_propose, name="contacts_propose"),
    path("areas/<int:pk>/contacts/assign/", views.contacts_assign, name="contacts_assign"),
]

urlpatterns += [
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/todo/", campaign_views.campaign_todo, name="campaign_todo"),
    path("campaigns/<int:pk>/revisit-orders/", campaign_views.campaign_revisit_orders, name="campaign_revisit_orders"),
    path("campaigns/<int:pk>/visit/<int:household_pk>/", campaign_views.visit_form, name="visit_form"),
    path("areas/<int:pk>/special-needs/", campaign_views.special_needs, name="special_needs"),
    path("areas/<int:pk>/roster.xlsx", exports.roster_export, name="roster_export"),
    path("messages/", message_views.message_list, name="grid_message_list"),
    path("messages/new/", message_views.message_new, name="grid_message_new"),
    path("messages/<int:pk>/", message_views.message_detail, name="grid_message"),
    path("messages/<int:pk>/deliver/", message_views.message_deliver, name="grid_message_deliver"),
    path("messages/<int:pk>/files/<int:attachment_pk>/", message_views.message_attachment, name="grid_message_file"),
    path("transfers/", transfer_views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),  # the work order's id
    path("transfers/<int:pk>/<str:action>/", transfer_views.transfer_act, name="transfer_act"),
]
