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
from .rows import build as _build
from .rows import reader as _reader

_TOKEN_SQL: dict = {}


def _token_sql(vendor: str) -> tuple[str, list, list, list, list]:
    """The token, its owner (with their area) and the owner's assignments in force (with their areas) in
    one statement: a row per assignment (one row with empty assignment columns for none). Written once a
    process from the models' fields; the rule "in force" is AssignmentQuerySet.current's."""
    if vendor not in _TOKEN_SQL:
        from .models import Assignment, User

        Area = Assignment._meta.get_field("area").related_model  # core names no app: the field says which model
        user_cols, user_conv = _reader(User, "u")
        uarea_cols, uarea_conv = _reader(Area, "ua")
        assignment_cols, assignment_conv = _reader(Assignment, "a")
        aarea_cols, aarea_conv = _reader(Area, "aa")
        sql = (f"SELECT t.id, t.purpose, t.last_used_at, {user_cols}, {uarea_cols}, {assignment_cols}, {aarea_cols} "
               f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
               f"LEFT JOIN {Area._meta.db_table} ua ON ua.id = u.area_id "
               f"LEFT JOIN {Assignment._meta.db_table} a ON a.user_id = u.id AND u.is_active AND a.valid_from <= %s "
               "AND (a.valid_until IS NULL OR a.valid_until >= %s) "
               f"LEFT JOIN {Area._meta.db_table} aa ON aa.id = a.area_id "
               "WHERE t.digest = %s AND NOT t.revoked ORDER BY a.valid_from, a.id")
        _TOKEN_SQL[vendor] = (sql, user_conv, uarea_conv, assignment_conv, aarea_conv)
    return _TOKEN_SQL[vendor]


def token_user(token: str):
    """The active owner of an unrevoked token, with the token's purpose and id, and the owner's assignments
    in force today already on them (policy.assignments reads them without a query): one statement, where
    the token, then the assignments were two queries and their building. Nothing is cached across requests:
    a revoked token or an ended assignment ends access at the next request. None for no such token."""
    from django.db import connection

    from . import policy
    from .models import Assignment, User

    Area = Assignment._meta.get_field("area").related_model

    sql, user_conv, uarea_conv, assignment_conv, aarea_conv = _token_sql(connection.vendor)
    today = timezone.localdate()
    day = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, ApiToken.hash(token)])
        rows = cursor.fetchall()
    if not rows:
        return None
    n_user, n_area, n_assignment = (len(user_conv), len(uarea_conv), len(assignment_conv))
    token_id, purpose, last_used_at = rows[0][:3]
    field = ApiToken._meta.get_field("last_used_at")
    for convert in connection.ops.get_db_converters(field.get_col("t")) + field.get_db_converters(connection):
        last_used_at = convert(last_used_at, None, connection)
    at = 3
    user = _build(User, rows[0][at:at + n_user], user_conv)
    if not user.is_active:
        return None
    area = _build(Area, rows[0][at + n_user:at + n_user + n_area], uarea_conv)
    User._meta.get_field("area").set_cached_value(user, area)
    at += n_user + n_area
    found = []
    area_field = Assignment._meta.get_field("area")
    for row in rows:
        assignment = _build(Assignment, row[at:at + n_assignment], assignment_conv)
        if assignment is None:
            continue
        area_field.set_cached_value(assignment, _build(Area, row[at + n_assignment:], aarea_conv))
        found.append(assignment)
    policy.remember(user, today, found)
    return user, purpose, token_id, last_used_at


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = token_user(token)
        if found is None:
            return None
        user, purpose, token_id, last_used_at = found
        now = timezone.now()
        if last_used_at is None or (now - last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        request.token_purpose = purpose  # checked by policy.api_requires
        return user


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
