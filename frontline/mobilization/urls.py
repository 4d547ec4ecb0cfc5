from django.urls import path

from . import views

urlpatterns = [
    path("areas/<int:pk>/deployments/", views.area_deployments, name="area_deployments"),
    path("areas/<int:pk>/deployment-groups/", views.group_create, name="deployment_group_create"),
    path("deployments/<int:pk>/end/", views.deployment_end_view, name="deployment_end"),
    path("areas/<int:pk>/secretaries/", views.area_chain, name="area_chain"),
    path("areas/<int:pk>/teams/", views.area_teams, name="area_teams"),
]

# Party-fee allocations.
from . import fund_views  # noqa: E402

urlpatterns += [
    path("funds/", fund_views.fund_list, name="fund_list"),
    path("funds/new/", fund_views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", fund_views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/<str:action>/", fund_views.fund_act, name="fund_act"),
]

# Monthly stationing (家园驻守).
from . import stationing_views  # noqa: E402

urlpatterns += [
    path("stationing/", stationing_views.stationing, name="stationing"),
    path("stationing/log/", stationing_views.stationing_log, name="stationing_log"),
    path("areas/<int:pk>/stationing/", stationing_views.area_stationing, name="area_stationing"),
    path("areas/<int:pk>/stationing/decide/", stationing_views.area_stationing_decide, name="area_stationing_decide"),
    path("stationing/compliance/", stationing_views.stationing_compliance_page, name="stationing_compliance"),
    path("stationing/compliance/export/", stationing_views.stationing_compliance_export,
         name="stationing_compliance_export"),
    path("stationing/compliance/orders/", stationing_views.stationing_orders_create, name="stationing_orders_create"),
]

# Responsibility zones, pioneer posts, temporary party organizations.
from . import partyorg_views  # noqa: E402

urlpatterns += [
    path("areas/<int:pk>/party-posts/", partyorg_views.area_party_posts, name="area_party_posts"),
    path("responsibility-zones/<int:pk>/", partyorg_views.responsibility_zone_detail, name="responsibility_zone_detail"),
    path("pioneer-posts/<int:pk>/", partyorg_views.pioneer_post_detail, name="pioneer_post_detail"),
    path("areas/<int:pk>/temporary-orgs/", partyorg_views.area_temporary_orgs, name="area_temporary_orgs"),
    path("sites/<int:pk>/temporary-org/", partyorg_views.temporary_org_new, {"anchor": "site"},
         name="site_temporary_org_new"),
    path("teams/<int:pk>/temporary-org/", partyorg_views.temporary_org_new, {"anchor": "team"},
         name="team_temporary_org_new"),
    path("teams/<int:pk>/", partyorg_views.team_detail, name="team_detail"),
]

# Duty around the clock (全天候在岗).
from . import duty_views  # noqa: E402

urlpatterns += [
    path("duty/", duty_views.my_duty, name="my_duty"),
    path("duty/shifts/<int:pk>/check-<str:action>/", duty_views.check_in_view, name="duty_check"),
    path("areas/<int:pk>/duty/", duty_views.area_duty, name="area_duty"),
    path("areas/<int:pk>/duty/shifts/", duty_views.duty_shift_new, name="duty_shift_new"),
    path("areas/<int:pk>/duty/attendance/", duty_views.area_duty_attendance, name="area_duty_attendance"),
    path("duty/shifts/<int:pk>/cancel/", duty_views.duty_shift_cancel_view, name="duty_shift_cancel"),
]
