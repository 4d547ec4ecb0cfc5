"""Logging in and out of trouble: failed logins audited, throttled by django-axes, unlocked by an
administrator; one's own password changed on a page of its own.

Throttling locks the pair (account, client address) after FRONTLINE_LOGIN_FAILURE_LIMIT failures for
FRONTLINE_LOGIN_LOCK_MINUTES (settings: AXES_*): whoever guesses a commander's password from one address
locks only that address out of that account, never the commander at their own desk. An administrator
unlocks earlier (`login_unlock`, the admin's "unlock" action on accounts, or its access-attempt list).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import AuditAction, AuditLog, User


def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """One entry per failed login (a `user_login_failed` receiver, connected after django-axes' own so that
    the request already says whether this failure locked the pair). The entry bears the name that was tried
    and lies under the area of the account it names, so the commander of that area sees attacks on their
    people's accounts; a name that is no account lies at the top (the city's commander sees it)."""
    username = str(credentials.get("username") or "")[:150]
    account = User.objects.select_related("area").filter(username=username).first() if username else None
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    AuditLog.objects.create(
        actor=None, actor_name=username or "?", actor_area_path=account.area.path if account and account.area_id else "",
        action=AuditAction.LOGIN_FAILED,
        content_type=ContentType.objects.get_for_model(User) if account else None,
        object_id=str(account.pk) if account else "", object_repr=username if account else "",
        note=_("locked out: too many failures from this address") if locked else "",
        ip=request.META.get("REMOTE_ADDR") if request is not None else None)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked (account, address) pair: the login page, saying so (429)."""
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() // 60 if settings.AXES_COOLOFF_TIME else None
    return render(request, "core/login.html", {"locked": True, "lock_minutes": int(minutes) if minutes else None,
                                               "next": request.POST.get("next", "")}, status=429)


def login_unlock(*, actor, user: User) -> int:
    """Lift the login locks of an account (every address); audited. Administrators, and whoever manages
    the account's place (frontline.core.accounts). Returns the locks lifted."""
    from axes.utils import reset

    from .accounts import account_manageable

    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied
    account_manageable(actor, user)
    count = reset(username=user.username)
    audit_record(actor=actor, action=AuditAction.UNLOCK, obj=user, note=str(count))
    return count


class PasswordChange(PasswordChangeView):
    """One's own password: the old one, then a new one the validators accept (not like the username, not
    common, not all digits, at least 8 characters); audited, without either."""

    template_name = "core/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.PASSWORD, obj=self.request.user)
        messages.success(self.request, _("Your password is changed."))
        return response


def client_address(request) -> str | None:
    """The address a login comes from, as the audit log records it: REMOTE_ADDR. (Behind a load balancer
    that is the balancer's, for the throttle as for the audit log, until both read a trusted forwarded
    header.)"""
    return request.META.get("REMOTE_ADDR")
