"""The versioned JSON API (/api/v1/): token auth for machines, session auth for the browser."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

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


def register_routers():
    from frontline.areas.api import router as areas_router
    from frontline.people.api import router as people_router

    api.add_router("/", areas_router)
    api.add_router("/", people_router)


register_routers()
