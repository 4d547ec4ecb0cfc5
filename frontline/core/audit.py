"""Writing to the audit log: every service write, every reveal, every export."""

import contextvars
import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import AuditAction, AuditLog
from .validators import mask_id_number, mask_phone

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)

# Fields whose values the audit log keeps masked: the log must not become a second copy of them. A birth
# date keeps its year only: beside a masked ID number, the full date would be exactly its hidden digits.
MASKED_FIELDS = {"id_number": mask_id_number, "phone": mask_phone, "doc_number": mask_id_number,
                 "birth_date": lambda value: value[:4]}


class AuditContextMiddleware:
    """Remembers the client address of the current request for the audit entries it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


# Fields the audit log never holds, not even masked: secrets and their hashes (a password hash, a token's
# digest). A change to a password is its own entry (AuditAction.PASSWORD).
SECRET_FIELDS = {"password", "digest"}


def _plain(field: str, value):
    if field in MASKED_FIELDS and value:
        return MASKED_FIELDS[field](str(value))
    if field.endswith("_phone") and value:  # an app's phone under another name (a contact phone, a caller's)
        return mask_phone(str(value))
    if isinstance(value, datetime.datetime):  # local time, with its offset: what a reader of the log expects
        return timezone.localtime(value).isoformat(sep=" ", timespec="seconds") if timezone.is_aware(value) else str(value)
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    return value


_LOGGED: dict = {}  # model → its logged fields' (attname, name), worked out once


def _logged(model) -> list[tuple[str, str]]:
    fields = _LOGGED.get(model)
    if fields is None:
        fields = _LOGGED[model] = [
            (f.attname, f.name) for f in model._meta.concrete_fields
            if f.name not in ("path", "depth", "numchild", "pinyin_full", "pinyin_initials") and f.name not in SECRET_FIELDS]
    return fields


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of an object, as they would be logged (never a secret or its hash)."""
    return {attname: _plain(name, getattr(obj, attname)) for attname, name in _logged(type(obj))}


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _actor_place(actor) -> str:
    """Where the actor works (their first assignment in force; their account's home area otherwise, e.g. a
    failed login to an account whose assignments ended): whose commanders read the entry."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    from .policy import home_area

    area = home_area(actor) if actor.is_active else None
    if area is None and getattr(actor, "area_id", None):
        area = actor.area
    return area.path if area is not None and not actor.is_superuser else ""


def _actor_fields(actor) -> dict:
    return {"actor": actor if actor is not None and actor.is_authenticated else None,
            "actor_name": getattr(actor, "username", "") or "system",
            "actor_area_path": _actor_place(actor),
            "ip": _request_ip.get()}


def audit_record(*, actor, action: str, obj: models.Model | None = None, person=None, changes: dict | None = None,
                 note: str = "") -> AuditLog:
    if person is None and obj is not None and obj._meta.model_name == "person":
        person = obj
    return AuditLog.objects.create(
        **_actor_fields(actor), action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "", object_repr=str(obj)[:255] if obj is not None else "",
        person=person, changes=changes or {}, note=note[:255])


def audit_bulk(actor, action: str, items: list[tuple[models.Model, dict, object]], note: str = "") -> None:
    """Many (object, changes, person) entries of one action, written in one statement."""
    if not items:
        return
    common = _actor_fields(actor)
    content_types = {}
    AuditLog.objects.bulk_create([
        AuditLog(**common, action=action, note=note,
                 content_type=content_types.setdefault(type(obj), ContentType.objects.get_for_model(obj)),
                 object_id=str(obj.pk), object_repr=str(obj)[:255], changes=changes, person=person)
        for obj, changes, person in items], batch_size=1000)


def audit_bulk_create(actor, objs, person_of=None) -> None:
    """One entry per created object (for assignments made in bulk)."""
    audit_bulk(actor, AuditAction.CREATE, [(o, diff({}, snapshot(o)), person_of(o) if person_of else None) for o in objs])


def audit_create(actor, obj, **kwargs):
    return audit_record(actor=actor, action=AuditAction.CREATE, obj=obj, changes=diff({}, snapshot(obj)), **kwargs)


def audit_update(actor, obj, before: dict, **kwargs):
    changes = diff(before, snapshot(obj))
    if changes:
        return audit_record(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes, **kwargs)
    return None
