from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def check_settings() -> None:
    """Settings that name roles must name real ones: a misspelled role would silently grant nothing (or,
    worse, be read as "the defaults"), so it stops the start instead."""
    from .roles import role_codes

    unknown = [name for name in settings.FRONTLINE_REVEAL_ROLES if name not in role_codes()]
    if unknown:
        raise ImproperlyConfigured(f"FRONTLINE_REVEAL_ROLES names unknown roles: {', '.join(unknown)} "
                                   f"(known: {', '.join(role_codes())}; empty means nobody)")


class CoreConfig(AppConfig):
    name = "frontline.core"
    label = "core"

    def ready(self):
        check_settings()
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.utils.module_loading import autodiscover_modules

        from . import lookups  # noqa: F401  registers __prefix
        from .audit import audit_record
        from .login import audit_login_failed
        from .models import AuditAction

        def audit_login(sender, request, user, **kwargs):
            audit_record(actor=user, action=AuditAction.LOGIN)

        user_logged_in.connect(audit_login, dispatch_uid="frontline_audit_login", weak=False)
        user_login_failed.connect(audit_login_failed, dispatch_uid="frontline_audit_login_failed", weak=False)
        # Every installed app's plugin.py registers what it adds (frontline.core.plugins).
        autodiscover_modules("plugin")
