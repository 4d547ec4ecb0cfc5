"""The versioned JSON API (/api/v1/): token auth for machines, session auth for the browser."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from . import plugins
from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            api_token = ApiToken.objects.select_related("user__area").get(digest=ApiToken.hash(token), revoked=False)
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(title="Frontline API", version="1", urls_namespace="api-1", auth=[TokenAuth(), django_auth],
               description="一线指挥平台 API. Every endpoint returns only what the caller's scope covers; "
                           "identifiers are masked.")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """A service refused the input: say why, in the caller's language, as the pages do."""
    return api.create_response(request, {"detail": exc.messages}, status=422)


def api_with_routers() -> NinjaAPI:
    """The API with every router the apps registered (frontline.core.plugins), mounted once."""
    if not getattr(api, "_frontline_routers_added", False):
        for entry in plugins.api_routers:
            api.add_router(entry.prefix, entry.router)
        api._frontline_routers_added = True
    return api
