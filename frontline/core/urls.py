"""Pages of the core that any app's data goes through: imports of every kind; the access policy."""

from django.urls import path

from . import account_views, export_views, import_views, views

urlpatterns = [
    path("access/", views.access_policy, name="access_policy"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/assignments/<int:assignment_pk>/end/", account_views.assignment_end_view,
         name="assignment_end"),
    path("accounts/<int:pk>/<str:action>/", account_views.account_act, name="account_act"),
    path("areas/<int:pk>/imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/remap/", import_views.import_remap, name="import_remap"),
    path("imports/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("imports/<int:pk>/restart/", import_views.import_restart_view, name="import_restart"),
    path("areas/<int:pk>/exports/<str:kind>/new/", export_views.export_request_new, name="export_request_new"),
    path("exports/", export_views.export_request_list, name="export_request_list"),
    path("exports/<int:pk>/", export_views.export_request_detail, name="export_request_detail"),
    path("exports/<int:pk>/approve/", export_views.export_request_decide, {"decision": "approve"},
         name="export_request_approve"),
    path("exports/<int:pk>/refuse/", export_views.export_request_decide, {"decision": "refuse"}, name="export_request_refuse"),
    path("exports/<int:pk>/download/", export_views.export_request_download_view, name="export_request_download"),
]
