"""The audit log as a person reads it: each change under its field's name (the model's verbose name, in the
reader's language), choices by their label, times in local time, related objects by what they are (loaded
for a whole page at once), never a secret or a hash (those are not logged: `audit.SECRET_FIELDS`)."""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import plugins
from .audit import SECRET_FIELDS
from .roles import role_choices

EMPTY = "—"
# What some notes say, as words (the note holds a code for them).
NOTE_LABELS = {
    "admin": _("in the administration site"), "reset by a manager": _("reset by a manager"),
    "export requested": _("export requested"), "export approved": _("export approved"),
    "export refused": _("export refused"), "export downloaded": _("export downloaded"),
    "export expired": _("export expired"), "roster import": _("roster import"),
    "roster import: registered in another jurisdiction": _("roster import: registered in another jurisdiction"),
}  # and what the apps register (plugins.audit_notes)
# Names for fields whose models give them none (Django's default is the field's name with spaces), by that name.
FIELD_LABELS = {
    "id": _("number"), "user": _("user account"), "prefix": _("beginning"), "created at": _("created at"),
    "created by": _("created by"), "revoked": _("revoked"), "last used at": _("last used at"),
    "subject type": _("subject type"), "subject id": _("subject number"), "escalation level": _("escalation level"),
    "next escalation at": _("next escalation at"), "actor": _("actor"), "uploaded by": _("uploaded by"),
    "issued by": _("issued by"),
}
MODEL_LABELS = {  # models whose Meta gives no name, by Django's default one
    "user": _("user account"), "work order event": _("work order event"), "notice receipt": _("notice receipt"),
    "notice attachment": _("notice attachment"), "notice delivery": _("notice delivery"),
    "resident screening": _("resident screening"), "team member": _("team member"), "zone member": _("zone member"),
    "post holder": _("post holder"),
}
_GENERIC_REPR = re.compile(r"^\w+ object \((\d+)\)$")  # what Django calls an object without a __str__


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    entry: models.Model
    type_label: str
    object_label: str
    changes: list[Change]
    note: str


def _fields(model) -> dict:
    if model is None:
        return {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update({f.name: f for f in model._meta.many_to_many})
    return fields


def _time(value: str) -> str | None:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:  # a date
        return None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, "Y-m-d H:i:s")


def _label(field, key: str) -> str:
    if field is None:
        return key
    name = str(field.verbose_name)
    return str(FIELD_LABELS.get(name, name)) if name == field.name.replace("_", " ") else name


def _value(field, value, related: dict) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and field.many_to_one and field.related_model is not None:
        obj = related.get((field.related_model, value))
        if obj is None:
            return f"#{value}"
        return str(obj.name if isinstance(obj, ContentType) else obj)  # a content type by its model's name
    if field is not None and field.name == "kind" and field.model._meta.label == "core.WorkOrder":
        spec = plugins.work_order_kinds.get(value)  # kinds are registered by the apps, not choices
        return str(spec.label) if spec else str(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and (shown := _time(value)):
        return shown
    roles = dict(role_choices())
    if isinstance(value, list) and all(isinstance(v, str) and v in roles for v in value):
        return "、".join(str(roles[v]) for v in value)  # e.g. the roles a notice went to, by their names
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 120 else text[:119] + "…"
    return str(value)


def _note(code: str) -> str:
    if code in NOTE_LABELS:
        return str(NOTE_LABELS[code])
    spec = plugins.audit_notes.get(code)
    return str(spec.label) if spec is not None else code


def audit_rows(entries, actor=None) -> list[Row]:
    """The entries of one page, readable; related objects named in their changes are fetched per model in
    one query each, however many entries, and named only where the reader may see them (else by number: a
    household a person moved to outside the reader's place stays unnamed)."""
    entries = list(entries)
    wanted: dict = defaultdict(set)
    for entry in entries:
        fields = _fields(entry.content_type.model_class() if entry.content_type_id else None)
        for key, pair in (entry.changes or {}).items():
            field = fields.get(key)
            if field is not None and field.many_to_one and field.related_model is not None:
                wanted[field.related_model].update(v for v in pair if v not in (None, ""))
    related = {}
    for model, pks in wanted.items():
        rows = model.objects.visible_to(actor) if actor is not None and hasattr(model.objects, "visible_to") \
            else model._base_manager
        for pk, obj in rows.in_bulk(list(pks)).items():
            related[(model, pk)] = obj
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        fields = _fields(model)
        changes = []
        for key, pair in (entry.changes or {}).items():
            if key in SECRET_FIELDS:
                continue
            field = fields.get(key)
            if field is not None and field.primary_key:
                continue  # the object's number is in its own column
            before, after = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
            if entry.action == "create" and before is None and after in (None, "", []):
                continue  # nothing to say about an empty field of a new object
            changes.append(Change(_label(field, key), _value(field, before, related), _value(field, after, related)))
        object_label = entry.object_repr
        if model is not None and (generic := _GENERIC_REPR.match(object_label or "")):
            object_label = f"{MODEL_LABELS.get(str(model._meta.verbose_name), model._meta.verbose_name)} #{generic.group(1)}"
        note_field = fields.get(entry.note) if entry.action == "reveal" else None
        note = str(note_field.verbose_name) if note_field is not None else _note(entry.note)
        type_label = str(model._meta.verbose_name) if model is not None else ""
        rows.append(Row(entry, str(MODEL_LABELS.get(type_label, type_label)), object_label, changes, note))
    return rows
