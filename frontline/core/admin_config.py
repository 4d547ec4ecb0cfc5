"""`django.contrib.admin` with Frontline's site (superusers only, every change audited) as `admin.site`.

In a module of its own: INSTALLED_APPS imports it before any model is loaded."""

from django.contrib.admin.apps import AdminConfig


class FrontlineAdminConfig(AdminConfig):
    default_site = "frontline.core.admin_site.FrontlineAdminSite"
