from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "frontline.core"
    label = "core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from . import lookups  # noqa: F401  registers __prefix
        from .audit import audit_record
        from .models import AuditAction

        def audit_login(sender, request, user, **kwargs):
            audit_record(actor=user, action=AuditAction.LOGIN)

        user_logged_in.connect(audit_login, dispatch_uid="frontline_audit_login", weak=False)
        # Every installed app's plugin.py registers what it adds (frontline.core.plugins).
        autodiscover_modules("plugin")
