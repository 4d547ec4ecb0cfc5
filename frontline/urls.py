from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontline import views
from frontline.areas import views as area_views
from frontline.core import views as core_views
from frontline.core import workorder_views
from frontline.core.api import api_with_routers
from frontline.core.login import PasswordChange
from frontline.people import views as people_views

# admin.site is frontline.core.admin_site.FrontlineAdminSite: superusers only, every change audited.

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChange.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("areas/", area_views.area_root, name="area_root"),
    path("areas/<int:pk>/", area_views.area_detail, name="area_detail"),
    path("buildings/<int:pk>/", area_views.building_detail, name="building_detail"),
    path("households/<int:pk>/", people_views.household_detail, name="household_detail"),
    path("people/search/", people_views.search, name="person_search"),
    path("people/<int:pk>/", people_views.person_detail, name="person_detail"),
    path("people/<int:pk>/reveal/<str:field>/", people_views.person_reveal, name="person_reveal"),
    path("audit/", core_views.audit_list, name="audit_list"),
    path("tokens/", core_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", core_views.token_revoke, name="token_revoke"),
    path("inbox/", workorder_views.inbox_view, name="inbox"),
    path("work-orders/", workorder_views.work_order_list_view, name="work_order_list"),
    path("work-orders/<int:pk>/", workorder_views.work_order_detail, name="work_order_detail"),
    path("work-orders/<int:pk>/<str:action>/", workorder_views.work_order_act, name="work_order_act"),
    path("", include("frontline.core.urls")),
    path("", include("frontline.notices.urls")),
    path("", include("frontline.grid.urls")),
    path("", include("frontline.mobilization.urls")),
    path("", include("frontline.epidemic.urls")),
    path("", include("frontline.care.urls")),
    path("", include("frontline.command.urls")),
    path("api/v1/", api_with_routers().urls),
    path("admin/", admin.site.urls),
]
