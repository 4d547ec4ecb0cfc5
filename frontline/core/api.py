"""The versioned JSON API (/api/v1/): token auth for machines, session auth for the browser."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from . import plugins
from .models import ApiToken
from .ratelimit import RateLimited


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
        request.token_purpose = api_token.purpose  # checked by policy.api_requires
        return api_token.user


class ErrorOut(Schema):
    """Every refusal has this shape: a sentence, or (422) the list of what was wrong with the input; where a
    batch or a list of codes is refused whole, `errors` names each item (its id or code) and why."""

    detail: str | list[Any]
    errors: list[dict[str, Any]] | None = None


def _names_an_object(parameter: dict) -> bool:
    """A path parameter, or a query parameter that is an object's id (`?area=12`): either may be missing."""
    if parameter["in"] == "path":
        return True
    schema = parameter.get("schema", {})
    types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
    return parameter["in"] == "query" and "integer" in types and parameter["name"] not in ("limit", "offset")


# The refusals an operation can give, and when it gives each (documented on every operation it applies to).
ERROR_ANSWERS = {
    "401": ("Not logged in, or the token is unknown or revoked.", lambda op: bool(op.get("security"))),
    "403": ("The access policy does not let the caller's role do this.", lambda op: bool(op.get("security"))),
    "404": ("No such object, or it is outside the caller's scope (the two answer alike).",
            lambda op: any(_names_an_object(p) for p in op.get("parameters", []))),
    "422": ("The input is invalid (a value outside its allowed range, a page larger than allowed) or a rule "
            "refused it; `detail` says what.", lambda op: bool(op.get("parameters") or op.get("requestBody"))),
}


class FrontlineAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's schema, with the refusals of each operation (ERROR_ANSWERS) in one shared `Error` schema."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ErrorOut.model_json_schema()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        schema["components"]["schemas"].pop("ErrorOut", None)  # an operation that declares its refusal (422)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for answer in operation["responses"].values():
                    content = answer.get("content", {}).get("application/json", {})
                    if content.get("schema", {}).get("$ref", "").endswith("/ErrorOut"):
                        content["schema"] = {"$ref": "#/components/schemas/Error"}
                for status, (description, applies) in ERROR_ANSWERS.items():
                    if applies(operation):
                        operation["responses"].setdefault(int(status), {"description": description, "content": error})
        return schema


api = FrontlineAPI(title="Frontline API", version="1", urls_namespace="api-1", auth=[TokenAuth(), django_auth],
               description="一线指挥平台 API. Every endpoint returns only what the caller's scope covers; "
                           "identifiers are masked.")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    """Missing or outside the caller's scope: the same answer, in the caller's language."""
    return api.create_response(request, {"detail": _("Not found (or not yours to see).")}, status=404)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


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
